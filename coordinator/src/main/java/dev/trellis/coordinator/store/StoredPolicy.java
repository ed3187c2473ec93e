package dev.trellis.coordinator.store;

import java.time.Instant;

/**
 * One saved version of the ACL policy.
 *
 * @param version increases with every save; the highest is in force
 * @param text the HuJSON text exactly as it was set
 * @param author who saved it, e.g. {@code admin-socket} or {@code api-key:<prefix>}
 */
public record StoredPolicy(long version, String text, String author, Instant created) {
    /** Policies larger than this are refused before they reach the database. */
    public static final int MAX_TEXT_BYTES = 1 << 20;

    public StoredPolicy {
        Checks.notNull(text, "text");
        Checks.text(author, "author", Checks.MAX_NAME);
        Checks.notNull(created, "created");
    }
}
