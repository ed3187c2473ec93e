package dev.trellis.coordinator.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.coordinator.store.ApiKey;
import dev.trellis.coordinator.store.IssuedApiKey;
import dev.trellis.coordinator.store.Secrets;
import dev.trellis.protocol.http.HttpResult;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin API lets in only requests with a live API key, and says why it refused. */
class AdminApiAuthTest {
    @TempDir
    Path dir;

    private AdminFixture f;

    @BeforeEach
    void start() throws Exception {
        f = new AdminFixture(dir);
    }

    @AfterEach
    void stop() {
        f.close();
    }

    private void assertRefused(String authorization, String why) throws Exception {
        HttpResult r = f.callAs(authorization, "GET", "nodes", null);
        assertThat(r.status()).as(why).isEqualTo(401);
        assertThat(r.headers().first("Content-Type")).contains("application/json");
        assertThat(r.headers().first("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        JsonNode body = AdminFixture.json(r);
        assertThat(body.get("code").asText()).isEqualTo("unauthorized");
        assertThat(body.get("error").asText()).as(why).contains("apikeys create");
        if (authorization != null && authorization.length() > 20) {
            assertThat(r.bodyText()).doesNotContain(authorization.substring(authorization.length() - 10));
        }
    }

    @Test
    void aRequestWithoutAValidKeyIsRefused() throws Exception {
        assertRefused(null, "no header");
        assertRefused("Basic dXNlcjpwYXNz", "not a bearer key");
        assertRefused("Bearer", "bearer without a key");
        assertRefused("Bearer nonsense", "malformed key");
        assertRefused("Bearer trellis-auth-aaaaaaaaaaaa-" + "b".repeat(32), "a pre-auth key is not an API key");
        Secrets.KeyText mine = Secrets.parse(Secrets.Kind.API, f.apiKey);
        assertRefused("Bearer " + new Secrets.KeyText(Secrets.Kind.API, mine.prefix(), "c".repeat(32)).text(),
                "right prefix, wrong secret");
        assertRefused("Bearer " + Secrets.generate(Secrets.Kind.API).text(), "unknown prefix");
        assertThat(f.call("GET", "nodes", null).status()).isEqualTo(200);
        assertThat(f.callAs("bearer " + f.apiKey, "GET", "nodes", null).status()).as("scheme is case-insensitive")
                .isEqualTo(200);
    }

    @Test
    void anExpiredKeyIsRefusedAndSaysSo() throws Exception {
        IssuedApiKey k = f.store.createApiKey(f.clock.instant().plus(Duration.ofMinutes(5)));
        assertThat(f.callAs("Bearer " + k.text(), "GET", "users", null).status()).isEqualTo(200);
        f.clock.advance(Duration.ofMinutes(5));
        HttpResult r = f.callAs("Bearer " + k.text(), "GET", "users", null);
        assertThat(r.status()).isEqualTo(401);
        assertThat(AdminFixture.json(r).get("error").asText()).contains("expired");
    }

    @Test
    void aDeletedKeyStopsWorkingAtOnce() throws Exception {
        IssuedApiKey k = f.store.createApiKey(null);
        assertThat(f.callAs("Bearer " + k.text(), "GET", "users", null).status()).isEqualTo(200);
        assertThat(f.call("DELETE", "apikeys/" + k.key().id(), null).status()).isEqualTo(204);
        assertRefused("Bearer " + k.text(), "deleted key");
    }

    @Test
    void lastUseIsRecordedAtMostOnceAMinute() throws Exception {
        IssuedApiKey k = f.store.createApiKey(null);
        String auth = "Bearer " + k.text();
        Instant first = f.clock.instant();
        f.callAs(auth, "GET", "users", null);
        assertThat(lastUsed(k)).isEqualTo(first);
        f.clock.advance(Duration.ofSeconds(59));
        f.callAs(auth, "GET", "users", null);
        assertThat(lastUsed(k)).as("within a minute: not written again").isEqualTo(first);
        f.clock.advance(Duration.ofSeconds(1));
        f.callAs(auth, "GET", "users", null);
        assertThat(lastUsed(k)).isEqualTo(f.clock.instant());
    }

    private Instant lastUsed(IssuedApiKey k) {
        return f.store.listApiKeys().stream().filter(a -> a.id() == k.key().id()).findFirst()
                .map(ApiKey::lastUsed).orElseThrow();
    }

    @Test
    void apiKeysAreCreatedListedWithoutSecretsAndDeleted() throws Exception {
        HttpResult created = f.call("POST", "apikeys", "{}");
        assertThat(created.status()).isEqualTo(201);
        JsonNode body = AdminFixture.json(created);
        String key = body.get("key").asText();
        assertThat(key).startsWith("trellis-api-");
        assertThat(body.get("apiKey").get("expiration").asText()).as("default 90 days")
                .isEqualTo(f.clock.instant().plus(Duration.ofDays(90)).toString());
        long id = body.get("apiKey").get("id").asLong();
        assertThat(f.callAs("Bearer " + key, "GET", "apikeys", null).status()).isEqualTo(200);

        HttpResult never = f.call("POST", "apikeys", "{\"expiration\": null}");
        assertThat(AdminFixture.json(never).get("apiKey").get("expiration").isNull()).isTrue();
        HttpResult past = f.call("POST", "apikeys", "{\"expiration\": \"2001-01-01T00:00:00Z\"}");
        assertThat(past.status()).isEqualTo(400);

        HttpResult list = f.call("GET", "apikeys", null);
        assertThat(list.bodyText()).doesNotContain(Secrets.parse(Secrets.Kind.API, key).secret())
                .doesNotContain("secret").doesNotContain("hash");
        assertThat(AdminFixture.json(list).get("apiKeys")).hasSize(3);

        assertThat(f.call("DELETE", "apikeys/" + id, null).status()).isEqualTo(204);
        assertThat(f.call("DELETE", "apikeys/" + id, null).status()).isEqualTo(404);
        assertThat(f.callAs("Bearer " + key, "GET", "apikeys", null).status()).isEqualTo(401);
    }
}
