package dev.trellis.coordinator.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.coordinator.netmap.PeerPolicy;
import dev.trellis.coordinator.store.NewUser;
import dev.trellis.coordinator.store.Node;
import dev.trellis.coordinator.store.Store;
import dev.trellis.coordinator.store.Stores;
import dev.trellis.coordinator.store.User;
import dev.trellis.coordinator.tailnet.Tailnet;
import dev.trellis.coordinator.tailnet.TailnetConfig;
import dev.trellis.protocol.http.Http1Client;
import dev.trellis.protocol.http.HttpLimits;
import dev.trellis.protocol.http.HttpResult;
import dev.trellis.protocol.http.HttpServer;
import dev.trellis.protocol.http.Router;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The admin API over a real HTTP server on 127.0.0.1, on a real tailnet and SQLite store in a
 * temporary directory, with user alice, her nodes alpha and bravo, and an API key.
 */
final class AdminFixture implements AutoCloseable {
    final TestClock clock = new TestClock();
    final Store store;
    final Tailnet tailnet;
    final HttpServer http;
    final Http1Client client;
    final User alice;
    final Node alpha;
    final Node bravo;
    final String apiKey;

    AdminFixture(Path dir) throws IOException {
        store = Stores.open(null, dir.resolve("data"), clock);
        alice = store.createUser(NewUser.local("alice", "Alice", null));
        alpha = TestNodes.register(store, alice.id(), "alpha");
        bravo = TestNodes.register(store, alice.id(), "bravo");
        apiKey = store.createApiKey(null).text();
        tailnet = new Tailnet(store, new TailnetConfig(URI.create("http://127.0.0.1:1"), "trellis.test",
                Duration.ofDays(180), Duration.ofSeconds(30), Duration.ofMinutes(15)), PeerPolicy.allowAll(), clock,
                Duration.ofSeconds(30));
        tailnet.start();
        Router router = new Router();
        AdminApi api = new AdminApi(tailnet, clock, AdminAuth.apiKeys(store, clock));
        for (String m : new String[] {"GET", "POST", "PUT", "DELETE"}) {
            router.prefix(m, AdminApi.PREFIX, api);
        }
        http = HttpServer.tcp(new InetSocketAddress("127.0.0.1", 0), null, router, HttpLimits.defaults());
        client = Http1Client.tcp(URI.create("http://127.0.0.1:" + http.tcpAddress().getPort()), null,
                Duration.ofSeconds(5));
    }

    /** A request with the fixture's API key; {@code json} null for no body. */
    HttpResult call(String method, String path, String json) throws IOException {
        return callAs("Bearer " + apiKey, method, path, json);
    }

    /** A request with {@code authorization} as the Authorization header (null for none). */
    HttpResult callAs(String authorization, String method, String path, String json) throws IOException {
        Map<String, String> headers = new HashMap<>();
        if (authorization != null) {
            headers.put("Authorization", authorization);
        }
        if (json != null) {
            headers.put("Content-Type", "application/json");
        }
        return client.send(method, AdminApi.PREFIX + path, headers,
                json == null ? null : json.getBytes(StandardCharsets.UTF_8));
    }

    static JsonNode json(HttpResult r) throws IOException {
        return AdminJson.tree(r.body());
    }

    @Override
    public void close() {
        client.close();
        http.close();
        tailnet.close();
        store.close();
    }
}
