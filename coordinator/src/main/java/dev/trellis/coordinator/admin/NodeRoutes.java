package dev.trellis.coordinator.admin;

import dev.trellis.coordinator.admin.AdminApi.Reply;
import dev.trellis.coordinator.store.Node;
import dev.trellis.coordinator.store.Store;
import dev.trellis.coordinator.store.User;
import dev.trellis.coordinator.tailnet.Tailnet;
import dev.trellis.protocol.http.HttpExchange;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code nodes}: list and show, and the changes that every connected node must hear about
 * (rename, key expiry, tags, delete), which go through the {@link Tailnet}: it writes the store
 * and fans the change out to the nodes' map streams before the answer is sent.
 */
final class NodeRoutes {
    private final Tailnet tailnet;
    private final Store store;
    private final Clock clock;

    NodeRoutes(Tailnet tailnet, Clock clock) {
        this.tailnet = tailnet;
        this.store = tailnet.store();
        this.clock = clock;
    }

    void register(AdminApi api) {
        api.add("GET", "nodes", "node", (ex, id) -> list());
        api.add("GET", "nodes/{id}", "node", (ex, id) -> Reply.ok(Map.of("node", view(node(id)))));
        api.add("DELETE", "nodes/{id}", "node", (ex, id) -> delete(id));
        api.add("POST", "nodes/{id}/rename", "node", this::rename);
        api.add("POST", "nodes/{id}/expire", "node", this::expire);
        api.add("POST", "nodes/{id}/tags", "node", this::tags);
    }

    private Reply list() {
        Map<Long, String> names = new HashMap<>();
        store.listUsers().forEach(u -> names.put(u.id(), u.name()));
        Instant now = clock.instant();
        return Reply.ok(Map.of("nodes", store.listNodes().stream()
                .map(n -> NodeView.of(n, names.get(n.userId()), tailnet.isOnline(n.id()), now)).toList()));
    }

    private Reply delete(long id) throws AdminApiException {
        if (!tailnet.deleteNode(id)) {
            throw AdminApiException.notFound("no node with id " + id);
        }
        return Reply.noContent();
    }

    private Reply rename(HttpExchange ex, long id) throws AdminApiException, IOException {
        JsonBody body = JsonBody.read(ex, false, "name");
        String name = body.requiredString("name");
        return Reply.ok(Map.of("node", view(tailnet.rename(id, name))));
    }

    /** {@code at} absent: now; null: never; else that time (a past one expires the key at once). */
    private Reply expire(HttpExchange ex, long id) throws AdminApiException, IOException {
        JsonBody body = JsonBody.read(ex, true, "at");
        Instant at = body.time("at", clock.instant());
        return Reply.ok(Map.of("node", view(tailnet.setKeyExpiry(id, at))));
    }

    private Reply tags(HttpExchange ex, long id) throws AdminApiException, IOException {
        JsonBody body = JsonBody.read(ex, false, "tags");
        List<String> tags;
        try {
            tags = AdminInputs.tags(body.strings("tags", true));
        } catch (IllegalArgumentException e) {
            throw AdminApiException.badRequest("field 'tags': " + e.getMessage());
        }
        return Reply.ok(Map.of("node", view(tailnet.setTags(id, tags))));
    }

    private Node node(long id) throws AdminApiException {
        return store.nodeById(id).orElseThrow(() -> AdminApiException.notFound("no node with id " + id));
    }

    private NodeView view(Node n) {
        String user = store.userById(n.userId()).map(User::name).orElse(null);
        return NodeView.of(n, user, tailnet.isOnline(n.id()), clock.instant());
    }
}
