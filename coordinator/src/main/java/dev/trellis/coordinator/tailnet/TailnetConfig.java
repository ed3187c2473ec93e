package dev.trellis.coordinator.tailnet;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the one network a coordinator serves.
 *
 * @param serverUrl the URL nodes and browsers reach the coordinator at; auth URLs start with it
 * @param domain the DNS suffix of node names
 * @param nodeKeyExpiry how long a node key is valid after login (per node changeable later)
 * @param ephemeralTimeout how long an ephemeral node may be offline before it is deleted
 * @param loginTimeout how long an auth URL stays valid
 */
public record TailnetConfig(URI serverUrl, String domain, Duration nodeKeyExpiry, Duration ephemeralTimeout,
        Duration loginTimeout) {
    public static final Duration DEFAULT_KEY_EXPIRY = Duration.ofDays(180);
    public static final Duration DEFAULT_EPHEMERAL_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_LOGIN_TIMEOUT = Duration.ofMinutes(15);

    public TailnetConfig {
        Objects.requireNonNull(serverUrl, "serverUrl");
        Objects.requireNonNull(domain, "domain");
        if (nodeKeyExpiry.isNegative() || ephemeralTimeout.isNegative() || loginTimeout.isNegative()) {
            throw new IllegalArgumentException("durations must not be negative");
        }
    }

    /** The auth URL for a login request. */
    public String authUrl(String requestId) {
        String base = serverUrl.toString();
        return (base.endsWith("/") ? base : base + "/") + "register/" + requestId;
    }

    /** The request ID inside an auth URL of ours, or null if it is not one. */
    public String requestIdOf(String authUrl) {
        if (authUrl == null) {
            return null;
        }
        String prefix = authUrl("");
        if (!authUrl.startsWith(prefix) || authUrl.length() == prefix.length()) {
            return null;
        }
        String id = authUrl.substring(prefix.length());
        return id.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
                && id.length() <= 64 ? id : null;
    }
}
