package dev.trellis.coordinator.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.protocol.http.HttpResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The policy resources of the admin API, on a real tailnet whose connected nodes must follow. */
class PolicyApiTest {
    private static final Duration WITHIN = Duration.ofSeconds(5);
    /** alpha (alice's) may reach servers; bravo becomes one below. */
    private static final String POLICY = """
            // alice's devices reach servers on SSH
            {
              "tagOwners": {"tag:server": ["alice"]},
              "acls": [{"action": "accept", "src": ["alice"], "dst": ["tag:server:22"]},],
              "tests": [{"src": "alice", "accept": ["tag:server:22"], "deny": ["tag:server:80"]}],
            }
            """;

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

    private HttpResult put(String path, String hujson) throws Exception {
        return f.client.send("PUT", AdminApi.PREFIX + path, Map.of("Authorization", "Bearer " + f.apiKey,
                "Content-Type", "application/hujson"), hujson.getBytes(StandardCharsets.UTF_8));
    }

    private HttpResult post(String path, String hujson) throws Exception {
        return f.client.send("POST", AdminApi.PREFIX + path, Map.of("Authorization", "Bearer " + f.apiKey,
                "Content-Type", "application/hujson"), hujson.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void noPolicyIsA404ThenASavedPolicyIsServedVerbatimAndConnectedNodesFollowIt() throws Exception {
        assertThat(f.call("GET", "policy", null).status()).isEqualTo(404);
        MapRecorder alpha = new MapRecorder();
        f.tailnet.hub().open(f.alpha.id(), 1, alpha).orElseThrow();
        alpha.await("bravo, with no policy", WITHIN, m -> m.peers().containsKey(f.bravo.id()));

        HttpResult saved = put("policy", POLICY);
        assertThat(saved.status()).as(saved.bodyText()).isEqualTo(200);
        assertThat(AdminFixture.json(saved).at("/policy/version").asLong()).isPositive();
        assertThat(AdminFixture.json(f.call("GET", "policy", null)).at("/policy/text").asText()).isEqualTo(POLICY);
        alpha.await("bravo gone: untagged, it is in no rule", WITHIN, m -> !m.peers().containsKey(f.bravo.id()));

        HttpResult tagged = f.call("POST", "nodes/" + f.bravo.id() + "/tags", "{\"tags\": [\"tag:server\"]}");
        assertThat(tagged.status()).as(tagged.bodyText()).isEqualTo(200);
        alpha.await("bravo back as a server", WITHIN, m -> m.peers().containsKey(f.bravo.id()));
    }

    @Test
    void aBadPolicyIsRefusedWithItsPositionAndTheOldOneStays() throws Exception {
        assertThat(put("policy", POLICY).status()).isEqualTo(200);
        HttpResult broken = put("policy", "{\n  \"acls\": [\n    {\"action\": \"accept\", \"src\": [\"alice\"] \"dst\": []},\n  ],\n}");
        assertThat(broken.status()).isEqualTo(400);
        JsonNode error = AdminFixture.json(broken);
        assertThat(error.get("code").asText()).isEqualTo("bad_policy");
        assertThat(error.get("error").asText()).startsWith("line 3, column");

        HttpResult failing = put("policy", POLICY.replace("\"deny\": [\"tag:server:80\"]", "\"deny\": [\"tag:server:22\"]"));
        assertThat(failing.status()).isEqualTo(400);
        assertThat(AdminFixture.json(failing).get("error").asText()).contains("line", "tag:server:22");
        assertThat(AdminFixture.json(f.call("GET", "policy", null)).at("/policy/text").asText()).isEqualTo(POLICY);

        HttpResult notUtf8 = f.client.send("PUT", AdminApi.PREFIX + "policy", Map.of("Authorization",
                "Bearer " + f.apiKey), new byte[] {'{', (byte) 0xff, '}'});
        assertThat(notUtf8.status()).isEqualTo(400);
    }

    @Test
    void checkSavesNothingAndTagsMustBeDefined() throws Exception {
        HttpResult checked = post("policy/check", POLICY);
        assertThat(checked.status()).as(checked.bodyText()).isEqualTo(200);
        assertThat(f.call("GET", "policy", null).status()).isEqualTo(404);
        assertThat(post("policy/check", "{\"acls\": [}").status()).isEqualTo(400);

        assertThat(put("policy", POLICY).status()).isEqualTo(200);
        HttpResult undefined = f.call("POST", "nodes/" + f.bravo.id() + "/tags", "{\"tags\": [\"tag:nope\"]}");
        assertThat(undefined.status()).isEqualTo(400);
        assertThat(AdminFixture.json(undefined).get("error").asText()).contains("tag:nope", "tagOwners");
        HttpResult key = f.call("POST", "preauthkeys", "{\"user\": \"alice\", \"tags\": [\"tag:nope\"]}");
        assertThat(key.status()).isEqualTo(400);
    }

    @Test
    void explainNamesTheRuleOrSaysWhyNot() throws Exception {
        assertThat(put("policy", POLICY).status()).isEqualTo(200);
        f.call("POST", "nodes/" + f.bravo.id() + "/tags", "{\"tags\": [\"tag:server\"]}");

        JsonNode yes = AdminFixture.json(f.call("GET", "policy/explain?src=alpha&dst=bravo&port=22&proto=tcp", null));
        assertThat(yes.get("allowed").asBoolean()).as(yes.toString()).isTrue();
        assertThat(yes.get("text").asText()).contains("acls[0] at line 4");
        JsonNode no = AdminFixture.json(f.call("GET", "policy/explain?src=alpha&dst=bravo&port=80", null));
        assertThat(no.get("allowed").asBoolean()).isFalse();
        assertThat(no.get("reasons")).isNotEmpty();
        assertThat(f.call("GET", "policy/explain?src=alpha&dst=bravo&port=99999", null).status()).isEqualTo(400);
        assertThat(f.call("GET", "policy/explain?src=alpha", null).status()).isEqualTo(400);
    }
}
