package dev.trellis.coordinator.admin;

import dev.trellis.coordinator.admin.AdminApi.Reply;
import dev.trellis.coordinator.store.NewUser;
import dev.trellis.coordinator.store.Store;
import dev.trellis.coordinator.store.User;
import dev.trellis.coordinator.tailnet.Tailnet;
import dev.trellis.protocol.http.HttpExchange;
import java.io.IOException;
import java.util.Map;

/** {@code users}: list, create (local users without a password) and delete users that own no nodes. */
final class UserRoutes {
    private final Tailnet tailnet;
    private final Store store;

    UserRoutes(Tailnet tailnet) {
        this.tailnet = tailnet;
        this.store = tailnet.store();
    }

    void register(AdminApi api) {
        api.add("GET", "users", "user", (ex, id) -> list());
        api.add("POST", "users", "user", (ex, id) -> create(ex));
        api.add("DELETE", "users/{id}", "user", (ex, id) -> delete(id));
    }

    private Reply list() {
        return Reply.ok(Map.of("users", store.listUsers().stream().map(UserView::of).toList()));
    }

    private Reply create(HttpExchange ex) throws AdminApiException, IOException {
        JsonBody body = JsonBody.read(ex, false, "name", "displayName");
        String name = AdminInputs.userName(body.requiredString("name"));
        String display = body.optionalString("displayName");
        User u = store.createUser(NewUser.local(name, display == null ? name : display, null));
        tailnet.userChanged(u);
        return Reply.created(Map.of("user", UserView.of(u)));
    }

    private Reply delete(long id) throws AdminApiException {
        if (!store.deleteUser(id)) {
            throw AdminApiException.notFound("no user with id " + id);
        }
        return Reply.noContent();
    }
}
