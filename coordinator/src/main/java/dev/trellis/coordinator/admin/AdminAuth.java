package dev.trellis.coordinator.admin;

import dev.trellis.coordinator.store.Store;
import dev.trellis.protocol.http.HttpExchange;
import java.io.IOException;
import java.time.Clock;

/** Decides whether a request may use the admin API. */
@FunctionalInterface
public interface AdminAuth {
    /**
     * Returns if the request may proceed; throws a 401 or 403 {@link AdminApiException} saying
     * what credential is missing otherwise. Runs before the request body is read.
     */
    void check(HttpExchange exchange) throws AdminApiException, IOException;

    /** {@code Authorization: Bearer trellis-api-…}, checked against the store's hashed API keys. */
    static AdminAuth apiKeys(Store store, Clock clock) {
        return new ApiKeyAuth(store, clock);
    }

    /** Unix-socket peers running as root or as {@code ownUid}; refuses TCP peers. */
    static AdminAuth localPeers(int ownUid) {
        return new PeerAuth(ownUid);
    }
}
