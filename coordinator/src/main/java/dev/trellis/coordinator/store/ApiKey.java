package dev.trellis.coordinator.store;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * A key for the coordinator's admin API. Only the SHA-256 of its secret half is stored; check a
 * presented key with {@link Secrets#matches}.
 *
 * @param expiration null means never
 * @param lastUsed   null if never used
 */
public record ApiKey(long id, String prefix, byte[] secretHash, Instant created, Instant expiration,
        Instant lastUsed) {
    public ApiKey {
        Checks.text(prefix, "prefix", Checks.MAX_NAME);
        secretHash = Checks.hash(secretHash);
        Checks.notNull(created, "created");
    }

    /** A copy: the record stays immutable. */
    @Override
    public byte[] secretHash() {
        return secretHash.clone();
    }

    public boolean expiredAt(Instant now) {
        return expiration != null && !expiration.isAfter(now);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ApiKey k && id == k.id && prefix.equals(k.prefix)
                && Arrays.equals(secretHash, k.secretHash) && created.equals(k.created)
                && Objects.equals(expiration, k.expiration) && Objects.equals(lastUsed, k.lastUsed);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(id) * 31 + prefix.hashCode();
    }

    @Override
    public String toString() {
        return "ApiKey[id=" + id + ", prefix=" + prefix + ", created=" + created + ", expiration=" + expiration
                + ", lastUsed=" + lastUsed + "]";
    }
}
