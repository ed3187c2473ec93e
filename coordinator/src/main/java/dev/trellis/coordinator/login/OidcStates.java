package dev.trellis.coordinator.login;

import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.Nonce;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * OIDC logins on their way through the provider, by {@code state}: each is bound to one auth
 * request and one browser, expires after {@code ttl}, and can be taken once. Kept in memory and
 * bounded: when full, the oldest is dropped (its login then fails with "expired" and is started
 * again), so a flood of login starts costs bounded memory.
 */
final class OidcStates {
    private static final System.Logger LOG = System.getLogger("trellis.coordinator.login");

    /**
     * @param browser the {@link Cookies#OIDC} cookie of the browser sent to the provider
     */
    record Pending(String requestId, Nonce nonce, CodeVerifier verifier, String browser, Instant expires) {
        @Override
        public String toString() {
            return "Pending[expires=" + expires + "]"; // the rest are bearer secrets
        }
    }

    private final int capacity;
    private final Duration ttl;
    private final Clock clock;
    private final LinkedHashMap<String, Pending> pending = new LinkedHashMap<>(); // insertion = expiry order
    private boolean warnedFull;

    OidcStates(int capacity, Duration ttl, Clock clock) {
        this.capacity = capacity;
        this.ttl = ttl;
        this.clock = clock;
    }

    /** Remembers a login about to leave for the provider; returns its new random state. */
    synchronized String put(String requestId, Nonce nonce, CodeVerifier verifier, String browser) {
        Instant now = clock.instant();
        purgeExpired(now);
        if (pending.size() >= capacity) {
            Iterator<String> eldest = pending.keySet().iterator();
            eldest.next();
            eldest.remove();
            if (!warnedFull) {
                warnedFull = true;
                LOG.log(Level.WARNING, capacity + " OIDC logins are under way at once; dropping the oldest"
                        + " (they will have to start again). Is someone flooding the login page?");
            }
        }
        String state = Cookies.newValue();
        pending.put(state, new Pending(requestId, nonce, verifier, browser, now.plus(ttl)));
        return state;
    }

    /** The login with this state, removed so it can't be used twice; empty if unknown or expired. */
    synchronized Optional<Pending> take(String state) {
        Pending p = pending.remove(state);
        if (p == null || !p.expires.isAfter(clock.instant())) {
            return Optional.empty();
        }
        return Optional.of(p);
    }

    synchronized int size() {
        return pending.size();
    }

    private void purgeExpired(Instant now) {
        Iterator<Map.Entry<String, Pending>> it = pending.entrySet().iterator();
        while (it.hasNext()) {
            if (it.next().getValue().expires.isAfter(now)) {
                break; // the rest were added later, so expire later
            }
            it.remove();
        }
        if (pending.size() < capacity / 2) {
            warnedFull = false;
        }
    }
}
