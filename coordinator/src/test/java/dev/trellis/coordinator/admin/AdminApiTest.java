package dev.trellis.coordinator.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.coordinator.store.Node;
import dev.trellis.coordinator.store.Secrets;
import dev.trellis.protocol.http.HttpResult;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each admin route over real HTTP: what it answers, what it changes, and how it refuses bad input. */
class AdminApiTest {
    private static final Duration WITHIN = Duration.ofSeconds(2);

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

    private JsonNode ok(HttpResult r) throws Exception {
        assertThat(r.status()).as(r.bodyText()).isBetween(200, 201);
        assertThat(r.headers().first("Content-Type")).contains("application/json");
        assertThat(r.headers().first("Cache-Control")).contains("no-store");
        return AdminFixture.json(r);
    }

    private void assertError(HttpResult r, int status, String code, String messagePart) throws Exception {
        assertThat(r.status()).as(r.bodyText()).isEqualTo(status);
        JsonNode body = AdminFixture.json(r);
        assertThat(body.get("code").asText()).isEqualTo(code);
        assertThat(body.get("error").asText()).contains(messagePart);
        assertThat(body.size()).isEqualTo(2);
    }

    @Test
    void nodesAreListedWithWhatAnOperatorNeedsAndNoSecrets() throws Exception {
        MapRecorder alphaMap = new MapRecorder();
        f.tailnet.hub().open(f.alpha.id(), 1, alphaMap).orElseThrow();
        JsonNode nodes = ok(f.call("GET", "nodes", null)).get("nodes");
        assertThat(nodes).hasSize(2);
        JsonNode a = nodes.get(0);
        assertThat(a.get("id").asLong()).isEqualTo(f.alpha.id());
        assertThat(a.get("name").asText()).isEqualTo("alpha");
        assertThat(a.get("hostname").asText()).isEqualTo("alpha");
        assertThat(a.get("user").asText()).isEqualTo("alice");
        assertThat(a.get("addresses")).extracting(JsonNode::asText)
                .containsExactly(f.alpha.ipv4().getHostAddress(), f.alpha.ipv6().getHostAddress());
        assertThat(a.get("online").asBoolean()).isTrue();
        assertThat(nodes.get(1).get("online").asBoolean()).isFalse();
        assertThat(a.get("keyExpiry").isNull()).isTrue();
        assertThat(a.get("expired").asBoolean()).isFalse();
        assertThat(a.get("lastSeen").isNull()).isTrue();
        assertThat(a.get("ephemeral").asBoolean()).isFalse();
        assertThat(Instant.parse(a.get("created").asText())).isEqualTo(f.alpha.created());
        assertThat(a.get("nodeKey").asText()).isEqualTo(f.alpha.nodeKey().toString());
        assertThat(a.has("machineKey")).isFalse();

        JsonNode one = ok(f.call("GET", "nodes/" + f.bravo.id(), null)).get("node");
        assertThat(one.get("name").asText()).isEqualTo("bravo");
        assertThat(AdminJson.field(f.call("GET", "nodes/" + f.bravo.id(), null).body(), "node", NodeView.class).name())
                .isEqualTo("bravo");
        assertError(f.call("GET", "nodes/999", null), 404, "not_found", "no node with id 999");
        assertError(f.call("GET", "nodes/abc", null), 400, "bad_request", "node id must be a positive integer");
        assertError(f.call("GET", "nodes/0", null), 400, "bad_request", "positive integer");
        assertError(f.call("GET", "nodes/99999999999999999999", null), 400, "bad_request", "positive integer");
    }

    @Test
    void aRenameReachesConnectedNodesAndConflictsAreRefused() throws Exception {
        MapRecorder alphaMap = new MapRecorder();
        f.tailnet.hub().open(f.alpha.id(), 1, alphaMap).orElseThrow();
        alphaMap.await("bravo in alpha's map", WITHIN, m -> m.peers().containsKey(f.bravo.id()));

        JsonNode renamed = ok(f.call("POST", "nodes/" + f.bravo.id() + "/rename", "{\"name\": \"Web-1\"}")).get("node");
        assertThat(renamed.get("name").asText()).isEqualTo("web-1");
        alphaMap.await("bravo renamed in alpha's map", WITHIN,
                m -> m.peers().get(f.bravo.id()).name().equals("web-1"));
        assertThat(f.store.nodeById(f.bravo.id()).orElseThrow().name()).isEqualTo("web-1");

        assertError(f.call("POST", "nodes/" + f.alpha.id() + "/rename", "{\"name\": \"web-1\"}"), 409, "conflict",
                "taken");
        assertError(f.call("POST", "nodes/" + f.alpha.id() + "/rename", "{\"name\": \"-bad-\"}"), 400, "bad_request",
                "node name");
        assertError(f.call("POST", "nodes/" + f.alpha.id() + "/rename", "{}"), 400, "bad_request", "'name' is required");
        assertError(f.call("POST", "nodes/" + f.alpha.id() + "/rename", "{\"name\": 7}"), 400, "bad_request",
                "must be a string");
        assertError(f.call("POST", "nodes/999/rename", "{\"name\": \"x\"}"), 404, "not_found", "999");
        assertThat(f.store.nodeById(f.alpha.id()).orElseThrow().name()).isEqualTo("alpha");
    }

    @Test
    void keyExpiryIsSetNowLaterOrNeverAndConnectedNodesLearnIt() throws Exception {
        MapRecorder alphaMap = new MapRecorder();
        f.tailnet.hub().open(f.alpha.id(), 1, alphaMap).orElseThrow();
        String path = "nodes/" + f.bravo.id() + "/expire";

        JsonNode later = ok(f.call("POST", path, "{\"at\": \"2099-01-31T13:00:00+01:00\"}")).get("node");
        assertThat(later.get("keyExpiry").asText()).isEqualTo("2099-01-31T12:00:00Z");
        assertThat(later.get("expired").asBoolean()).isFalse();

        JsonNode now = ok(f.call("POST", path, null)).get("node");
        assertThat(Instant.parse(now.get("keyExpiry").asText())).isEqualTo(f.clock.instant());
        assertThat(now.get("expired").asBoolean()).isTrue();
        alphaMap.await("bravo expired in alpha's map", WITHIN, m -> m.peers().get(f.bravo.id()).expired());

        JsonNode never = ok(f.call("POST", path, "{\"at\": null}")).get("node");
        assertThat(never.get("keyExpiry").isNull()).isTrue();
        assertThat(never.get("expired").asBoolean()).isFalse();
        alphaMap.await("bravo valid again", WITHIN, m -> !m.peers().get(f.bravo.id()).expired());

        assertError(f.call("POST", path, "{\"at\": \"tomorrow\"}"), 400, "bad_request", "RFC 3339");
        assertError(f.call("POST", path, "{\"at\": \"2099-01-31T12:00:00\"}"), 400, "bad_request", "offset");
    }

    @Test
    void tagsAreReplacedAndChecked() throws Exception {
        MapRecorder alphaMap = new MapRecorder();
        f.tailnet.hub().open(f.alpha.id(), 1, alphaMap).orElseThrow();
        String path = "nodes/" + f.bravo.id() + "/tags";
        JsonNode tagged = ok(f.call("POST", path, "{\"tags\": [\"tag:web\", \"tag:prod\", \"tag:web\"]}")).get("node");
        assertThat(tagged.get("tags")).extracting(JsonNode::asText).containsExactly("tag:web", "tag:prod");
        alphaMap.await("bravo's tags", WITHIN, m -> m.peers().get(f.bravo.id()).tags().equals(List.of("tag:web", "tag:prod")));
        assertError(f.call("POST", path, "{\"tags\": [\"web\"]}"), 400, "bad_request", "tag:server");
        assertError(f.call("POST", path, "{\"tags\": \"tag:web\"}"), 400, "bad_request", "list of strings");
        assertError(f.call("POST", path, "{}"), 400, "bad_request", "list of strings");
        assertThat(ok(f.call("POST", path, "{\"tags\": []}")).get("node").get("tags")).isEmpty();
    }

    @Test
    void aDeletedNodeLeavesConnectedNodesMaps() throws Exception {
        MapRecorder alphaMap = new MapRecorder();
        f.tailnet.hub().open(f.alpha.id(), 1, alphaMap).orElseThrow();
        alphaMap.await("bravo in alpha's map", WITHIN, m -> m.peers().containsKey(f.bravo.id()));
        HttpResult deleted = f.call("DELETE", "nodes/" + f.bravo.id(), null);
        assertThat(deleted.status()).isEqualTo(204);
        assertThat(deleted.body()).isEmpty();
        alphaMap.await("bravo gone from alpha's map", WITHIN, m -> !m.peers().containsKey(f.bravo.id()));
        assertThat(f.store.nodeById(f.bravo.id())).isEmpty();
        assertError(f.call("DELETE", "nodes/" + f.bravo.id(), null), 404, "not_found", "no node");
    }

    @Test
    void usersAreCreatedListedAndDeletedOnlyWithoutNodes() throws Exception {
        JsonNode bob = ok(f.call("POST", "users", "{\"name\": \"bob\", \"displayName\": \"Bob B.\"}")).get("user");
        assertThat(bob.get("name").asText()).isEqualTo("bob");
        assertThat(bob.get("displayName").asText()).isEqualTo("Bob B.");
        assertThat(bob.get("provider").asText()).isEqualTo("local");
        assertThat(bob.has("passwordHash")).isFalse();
        assertThat(f.call("POST", "users", "{\"name\": \"carol\"}").status()).isEqualTo(201);
        assertThat(ok(f.call("GET", "users", null)).get("users")).extracting(u -> u.get("name").asText())
                .containsExactly("alice", "bob", "carol");

        assertError(f.call("POST", "users", "{\"name\": \"bob\"}"), 409, "conflict", "already exists");
        assertError(f.call("POST", "users", "{\"name\": \"b o b\"}"), 400, "bad_request", "no spaces");
        assertError(f.call("POST", "users", "{\"name\": \"\"}"), 400, "bad_request", "1 to 64");
        assertError(f.call("POST", "users", "{\"name\": \"" + "x".repeat(65) + "\"}"), 400, "bad_request", "1 to 64");

        assertThat(f.call("DELETE", "users/" + bob.get("id").asLong(), null).status()).isEqualTo(204);
        assertError(f.call("DELETE", "users/" + bob.get("id").asLong(), null), 404, "not_found", "no user");
        assertError(f.call("DELETE", "users/" + f.alice.id(), null), 409, "conflict", "node");
        assertThat(f.store.userById(f.alice.id())).isPresent();
    }

    @Test
    void preAuthKeysAreCreatedOnceListedWithoutSecretsAndExpired() throws Exception {
        HttpResult created = f.call("POST", "preauthkeys", "{\"user\": \"alice\", \"reusable\": true, \"ephemeral\": true,"
                + " \"tags\": [\"tag:ci\"]}");
        JsonNode body = ok(created);
        assertThat(created.status()).isEqualTo(201);
        String key = body.get("key").asText();
        Secrets.KeyText parsed = Secrets.parse(Secrets.Kind.PRE_AUTH, key);
        JsonNode view = body.get("preAuthKey");
        assertThat(view.get("prefix").asText()).isEqualTo(parsed.prefix());
        assertThat(view.get("user").asText()).isEqualTo("alice");
        assertThat(view.get("reusable").asBoolean()).isTrue();
        assertThat(view.get("ephemeral").asBoolean()).isTrue();
        assertThat(view.get("tags")).extracting(JsonNode::asText).containsExactly("tag:ci");
        assertThat(Instant.parse(view.get("expiration").asText())).as("default one hour")
                .isEqualTo(f.clock.instant().plus(Duration.ofHours(1)));

        HttpResult list = f.call("GET", "preauthkeys", null);
        assertThat(list.bodyText()).doesNotContain(parsed.secret()).doesNotContain("\"key\"");
        assertThat(ok(list).get("preAuthKeys")).hasSize(1);
        assertThat(ok(f.call("GET", "preauthkeys?user=alice", null)).get("preAuthKeys")).hasSize(1);
        assertError(f.call("GET", "preauthkeys?user=nobody", null), 404, "not_found", "no user named 'nobody'");

        long id = view.get("id").asLong();
        JsonNode expired = ok(f.call("POST", "preauthkeys/" + id + "/expire", null)).get("preAuthKey");
        assertThat(expired.get("expired").asBoolean()).isTrue();
        assertThat(f.store.preAuthKeyByPrefix(parsed.prefix()).orElseThrow().expiredAt(f.clock.instant())).isTrue();
        assertError(f.call("POST", "preauthkeys/999/expire", null), 404, "not_found", "999");

        assertError(f.call("POST", "preauthkeys", "{\"user\": \"nobody\"}"), 404, "not_found", "create it first");
        assertError(f.call("POST", "preauthkeys", "{\"user\": \"alice\", \"tags\": [\"TAG:X\"]}"), 400, "bad_request",
                "bad tag");
        assertError(f.call("POST", "preauthkeys", "{\"user\": \"alice\", \"expiration\": \"2001-01-01T00:00:00Z\"}"),
                400, "bad_request", "not in the future");
        assertError(f.call("POST", "preauthkeys", "{\"user\": \"alice\", \"reusable\": \"yes\"}"), 400, "bad_request",
                "true or false");
        assertThat(f.store.listPreAuthKeys()).hasSize(1);
    }

    @Test
    void badBodiesAreRefusedClearlyAndChangeNothing() throws Exception {
        String rename = "nodes/" + f.alpha.id() + "/rename";
        assertError(f.call("POST", rename, "{\"name\": "), 400, "invalid_json", "invalid JSON");
        assertError(f.call("POST", rename, "{\"name\": \"x\"} {}"), 400, "invalid_json", "invalid JSON");
        assertError(f.call("POST", rename, "{\"name\": \"x\", \"name\": \"y\"}"), 400, "invalid_json", "Duplicate");
        assertError(f.call("POST", rename, "[\"x\"]"), 400, "invalid_json", "must be a JSON object");
        assertError(f.call("POST", rename, ""), 400, "invalid_json", "needs a JSON object");
        assertError(f.call("POST", rename, "{\"name\": \"x\", \"nmae\": \"y\"}"), 400, "unknown_field",
                "unknown field 'nmae'; this request takes name");
        assertError(f.call("POST", "nodes/" + f.alpha.id() + "/expire", "{\"when\": null}"), 400, "unknown_field",
                "'when'");
        assertError(f.call("POST", "preauthkeys/1/expire", "{\"x\": 1}"), 400, "unknown_field", "takes no fields");
        assertError(f.call("POST", rename, "{\"name\": \"" + "a".repeat(AdminApi.MAX_BODY_BYTES) + "\"}"), 413,
                "body_too_large", "larger than");
        assertError(f.call("POST", rename, "[".repeat(100) + "]".repeat(100)), 400, "invalid_json", "invalid JSON");
        assertThat(f.store.nodeById(f.alpha.id()).orElseThrow().name()).isEqualTo("alpha");
        assertThat(f.call("GET", "nodes", null).status()).as("the connection still serves").isEqualTo(200);
    }

    @Test
    void unknownPathsAndMethodsGetJsonErrors() throws Exception {
        assertError(f.call("GET", "nodez", null), 404, "not_found", "no such API resource");
        assertError(f.call("GET", "nodes/", null), 404, "not_found", "no such API resource");
        assertError(f.call("GET", "nodes/1/rename/x", null), 404, "not_found", "no such API resource");
        HttpResult wrong = f.call("DELETE", "nodes", null);
        assertError(wrong, 405, "method_not_allowed", "use GET");
        assertThat(wrong.headers().first("Allow")).contains("GET, HEAD");
        HttpResult rename = f.call("GET", "nodes/1/rename", null);
        assertError(rename, 405, "method_not_allowed", "use POST");
    }

    @Test
    void viewsRoundTripThroughJson() throws Exception {
        Node n = f.store.nodeById(f.alpha.id()).orElseThrow();
        NodeView v = NodeView.of(n, "alice", true, f.clock.instant());
        assertThat(AdminJson.field(AdminJson.write(Map.of("node", v)), "node", NodeView.class)).isEqualTo(v);
    }
}
