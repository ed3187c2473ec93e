package dev.trellis.coordinator.admin;

import dev.trellis.coordinator.store.PreAuthKey;
import java.time.Instant;
import java.util.List;

/**
 * A pre-auth key as the admin API shows it: the public prefix, never the secret or its hash.
 *
 * @param user       the owner's name, or {@code #id} if unknown
 * @param expiration null means never
 */
public record PreAuthKeyView(long id, String prefix, long userId, String user, boolean reusable, boolean ephemeral,
        boolean used, Instant expiration, boolean expired, List<String> tags, Instant created) {

    public PreAuthKeyView {
        tags = List.copyOf(tags);
    }

    public static PreAuthKeyView of(PreAuthKey k, String userName, Instant now) {
        return new PreAuthKeyView(k.id(), k.prefix(), k.userId(), userName != null ? userName : "#" + k.userId(),
                k.reusable(), k.ephemeral(), k.used(), k.expiration(), k.expiredAt(now), k.tags(), k.created());
    }
}
