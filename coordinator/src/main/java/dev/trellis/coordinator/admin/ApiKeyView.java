package dev.trellis.coordinator.admin;

import dev.trellis.coordinator.store.ApiKey;
import java.time.Instant;

/**
 * An API key as the admin API shows it: the public prefix, never the secret or its hash.
 *
 * @param expiration null means never
 * @param lastUsed   null if never used; recorded at most once a minute
 */
public record ApiKeyView(long id, String prefix, Instant created, Instant expiration, boolean expired,
        Instant lastUsed) {

    public static ApiKeyView of(ApiKey k, Instant now) {
        return new ApiKeyView(k.id(), k.prefix(), k.created(), k.expiration(), k.expiredAt(now), k.lastUsed());
    }
}
