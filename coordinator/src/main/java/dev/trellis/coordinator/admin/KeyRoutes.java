package dev.trellis.coordinator.admin;

import dev.trellis.coordinator.admin.AdminApi.Reply;
import dev.trellis.coordinator.store.IssuedApiKey;
import dev.trellis.coordinator.store.IssuedPreAuthKey;
import dev.trellis.coordinator.store.PreAuthKey;
import dev.trellis.coordinator.store.Store;
import dev.trellis.coordinator.store.User;
import dev.trellis.protocol.http.HttpExchange;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code preauthkeys} and {@code apikeys}: create (the secret is in that answer only), list, expire, delete. */
final class KeyRoutes {
    static final Duration DEFAULT_PRE_AUTH_KEY_LIFETIME = Duration.ofHours(1);
    static final Duration DEFAULT_API_KEY_LIFETIME = Duration.ofDays(90);

    private final Store store;
    private final Clock clock;

    /** Refuses tags the ACL policy does not define, or that the key's user (the login given) does not own. */
    private java.util.function.BiConsumer<List<String>, String> tagCheck = (tags, owner) -> { };

    KeyRoutes withTagCheck(java.util.function.BiConsumer<List<String>, String> check) {
        this.tagCheck = check;
        return this;
    }

    KeyRoutes(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    void register(AdminApi api) {
        api.add("GET", "preauthkeys", "pre-auth key", (ex, id) -> listPreAuthKeys(ex));
        api.add("POST", "preauthkeys", "pre-auth key", (ex, id) -> createPreAuthKey(ex));
        api.add("POST", "preauthkeys/{id}/expire", "pre-auth key", this::expirePreAuthKey);
        api.add("GET", "apikeys", "API key", (ex, id) -> listApiKeys());
        api.add("POST", "apikeys", "API key", (ex, id) -> createApiKey(ex));
        api.add("DELETE", "apikeys/{id}", "API key", (ex, id) -> deleteApiKey(id));
    }

    private Reply listPreAuthKeys(HttpExchange ex) throws AdminApiException {
        Optional<String> userName = ex.query("user");
        List<PreAuthKey> keys;
        if (userName.isPresent()) {
            User u = user(userName.get());
            keys = store.listPreAuthKeys(u.id());
        } else {
            keys = store.listPreAuthKeys();
        }
        Map<Long, String> names = userNames();
        Instant now = clock.instant();
        return Reply.ok(Map.of("preAuthKeys", keys.stream()
                .map(k -> PreAuthKeyView.of(k, names.get(k.userId()), now)).toList()));
    }

    private Reply createPreAuthKey(HttpExchange ex) throws AdminApiException, IOException {
        JsonBody body = JsonBody.read(ex, false, "user", "reusable", "ephemeral", "expiration", "tags");
        Instant now = clock.instant();
        User u = user(body.requiredString("user"));
        boolean reusable = body.bool("reusable", false);
        boolean ephemeral = body.bool("ephemeral", false);
        Instant expiration = future(body.time("expiration", now.plus(DEFAULT_PRE_AUTH_KEY_LIFETIME)), now);
        List<String> tags = tags(body.strings("tags", false));
        tagCheck.accept(tags, u.loginName());
        IssuedPreAuthKey issued = store.createPreAuthKey(u.id(), reusable, ephemeral, expiration, tags);
        return Reply.created(Map.of("preAuthKey", PreAuthKeyView.of(issued.key(), u.name(), now),
                "key", issued.text()));
    }

    private Reply expirePreAuthKey(HttpExchange ex, long id) throws AdminApiException, IOException {
        JsonBody.read(ex, true);
        Instant now = clock.instant();
        PreAuthKey k = store.expirePreAuthKey(id, now);
        return Reply.ok(Map.of("preAuthKey", PreAuthKeyView.of(k, userNames().get(k.userId()), now)));
    }

    private Reply listApiKeys() {
        Instant now = clock.instant();
        return Reply.ok(Map.of("apiKeys", store.listApiKeys().stream().map(k -> ApiKeyView.of(k, now)).toList()));
    }

    private Reply createApiKey(HttpExchange ex) throws AdminApiException, IOException {
        JsonBody body = JsonBody.read(ex, true, "expiration");
        Instant now = clock.instant();
        Instant expiration = future(body.time("expiration", now.plus(DEFAULT_API_KEY_LIFETIME)), now);
        IssuedApiKey issued = store.createApiKey(expiration);
        return Reply.created(Map.of("apiKey", ApiKeyView.of(issued.key(), now), "key", issued.text()));
    }

    private Reply deleteApiKey(long id) throws AdminApiException {
        if (!store.deleteApiKey(id)) {
            throw AdminApiException.notFound("no API key with id " + id);
        }
        return Reply.noContent();
    }

    private User user(String name) throws AdminApiException {
        return store.userByName(name).orElseThrow(() -> AdminApiException.notFound("no user named '"
                + AdminInputs.printable(name) + "': create it first (POST " + AdminApi.PREFIX + "users)"));
    }

    private Map<Long, String> userNames() {
        Map<Long, String> names = new HashMap<>();
        store.listUsers().forEach(u -> names.put(u.id(), u.name()));
        return names;
    }

    private static Instant future(Instant expiration, Instant now) throws AdminApiException {
        if (expiration != null && !expiration.isAfter(now)) {
            throw AdminApiException.badRequest("field 'expiration' is not in the future: " + expiration);
        }
        return expiration;
    }

    private static List<String> tags(List<String> tags) throws AdminApiException {
        try {
            return AdminInputs.tags(tags);
        } catch (IllegalArgumentException e) {
            throw AdminApiException.badRequest("field 'tags': " + e.getMessage());
        }
    }
}
