package dev.trellis.coordinator.admin;

import dev.trellis.coordinator.store.ApiKey;
import dev.trellis.coordinator.store.Secrets;
import dev.trellis.coordinator.store.Store;
import dev.trellis.coordinator.store.StoreException;
import dev.trellis.coordinator.store.StoreNotFoundException;
import dev.trellis.protocol.http.HttpExchange;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Bearer API keys. The key's prefix finds its row (the prefix is not secret); the secret is
 * compared by hash in constant time, and a hash comparison runs even for an unknown prefix so
 * both failures cost the same. Unknown prefix, wrong secret and deleted key get the same answer;
 * only a caller who holds the right secret learns that the key has expired. Last use is written
 * at most once a minute, so a busy script does not turn every request into a database write.
 */
final class ApiKeyAuth implements AdminAuth {
    private static final System.Logger LOG = System.getLogger("trellis.coordinator.admin");
    static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);
    private static final String SCHEME = "Bearer ";
    private static final byte[] NO_HASH = new byte[Secrets.HASH_LENGTH];
    private static final String HOW = "send 'Authorization: Bearer trellis-api-…' with a key from"
            + " `trellis-coordinator apikeys create`";

    private final Store store;
    private final Clock clock;

    ApiKeyAuth(Store store, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void check(HttpExchange ex) throws AdminApiException {
        List<String> values = ex.requestHeaders().all("Authorization");
        if (values.isEmpty()) {
            throw AdminApiException.unauthorized("no API key: " + HOW);
        }
        if (values.size() > 1) {
            throw AdminApiException.unauthorized("more than one Authorization header: " + HOW);
        }
        String value = values.getFirst();
        if (!value.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            throw AdminApiException.unauthorized("the Authorization header is not a Bearer key: " + HOW);
        }
        Secrets.KeyText key;
        try {
            key = Secrets.parse(Secrets.Kind.API, value.substring(SCHEME.length()).strip());
        } catch (IllegalArgumentException e) {
            throw AdminApiException.unauthorized("malformed API key: " + HOW);
        }
        Optional<ApiKey> stored = store.apiKeyByPrefix(key.prefix());
        boolean matches = Secrets.matches(stored.map(ApiKey::secretHash).orElse(NO_HASH), key.secret());
        if (stored.isEmpty() || !matches) {
            throw AdminApiException.unauthorized("invalid API key (unknown, deleted or wrong): " + HOW);
        }
        ApiKey k = stored.get();
        Instant now = clock.instant();
        if (k.expiredAt(now)) {
            throw AdminApiException.unauthorized("API key " + k.prefix() + " expired at " + k.expiration()
                    + ": create a new one with `trellis-coordinator apikeys create`");
        }
        if (k.lastUsed() == null || !now.isBefore(k.lastUsed().plus(TOUCH_INTERVAL))) {
            try {
                store.touchApiKey(k.id(), now);
            } catch (StoreNotFoundException e) {
                throw AdminApiException.unauthorized("invalid API key (unknown, deleted or wrong): " + HOW);
            } catch (StoreException e) {
                // Recording use is bookkeeping; a failed write must not lock the operator out.
                LOG.log(Level.WARNING, "could not record the use of API key " + k.prefix() + ": " + e.getMessage());
            }
        }
    }
}
