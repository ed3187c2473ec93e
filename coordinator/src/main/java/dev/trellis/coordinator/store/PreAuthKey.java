package dev.trellis.coordinator.store;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A key that registers a node without an interactive login. Only the SHA-256 of its secret half
 * is stored; the full key text is shown once, by {@link Store#createPreAuthKey}.
 *
 * @param prefix     the public half of the key text, by which it is looked up
 * @param reusable   a one-shot key (false) registers exactly one node
 * @param ephemeral  nodes registered with it are deleted once they stay offline
 * @param used       it has registered at least one node
 * @param expiration null means never
 * @param tags       tags given to nodes registered with it
 */
public record PreAuthKey(long id, long userId, String prefix, byte[] secretHash, boolean reusable, boolean ephemeral,
        boolean used, Instant expiration, List<String> tags, Instant created) {
    public PreAuthKey {
        Checks.text(prefix, "prefix", Checks.MAX_NAME);
        secretHash = Checks.hash(secretHash);
        tags = Checks.list(tags, "tags");
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
        return o instanceof PreAuthKey k && id == k.id && userId == k.userId && prefix.equals(k.prefix)
                && Arrays.equals(secretHash, k.secretHash) && reusable == k.reusable && ephemeral == k.ephemeral
                && used == k.used && Objects.equals(expiration, k.expiration) && tags.equals(k.tags)
                && created.equals(k.created);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(id) * 31 + prefix.hashCode();
    }

    @Override
    public String toString() {
        return "PreAuthKey[id=" + id + ", userId=" + userId + ", prefix=" + prefix + ", reusable=" + reusable
                + ", ephemeral=" + ephemeral + ", used=" + used + ", expiration=" + expiration + ", tags=" + tags
                + "]";
    }
}
