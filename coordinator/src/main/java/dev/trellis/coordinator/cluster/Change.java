package dev.trellis.coordinator.cluster;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A change a coordinator made, as small as possible: it names what changed, and the receiver
 * re-reads that from the store. Re-reading makes every change idempotent, so a change that
 * arrives twice, or after a full resynchronisation that already saw its effect, does no harm.
 */
public sealed interface Change {
    /** A node was registered or changed as a whole (renamed, re-tagged, re-keyed, expired): re-read it. */
    record NodeChanged(long nodeId) implements Change {
        public NodeChanged {
            requireId(nodeId, "nodeId");
        }
    }

    /** A node was deleted. */
    record NodeRemoved(long nodeId) implements Change {
        public NodeRemoved {
            requireId(nodeId, "nodeId");
        }
    }

    /** A node reported endpoints, a disco key or a home relay: re-read it and patch the peers' view. */
    record NodePatched(long nodeId) implements Change {
        public NodePatched {
            requireId(nodeId, "nodeId");
        }
    }

    /**
     * A node's map stream opened or closed on the publishing coordinator. Presence is not in the
     * store as such, so this change carries it.
     *
     * @param lastSeen when the node was last connected, to the millisecond (what the store and
     *     the bus keep; finer digits are dropped); null if not known, as while it is online
     */
    record NodeOnline(long nodeId, boolean online, Instant lastSeen) implements Change {
        public NodeOnline {
            requireId(nodeId, "nodeId");
            if (lastSeen != null) {
                if (lastSeen.isBefore(Instant.EPOCH) || lastSeen.isAfter(ChangeCodec.MAX_INSTANT)) {
                    throw new IllegalArgumentException("lastSeen must be between 1970 and 9999, got " + lastSeen);
                }
                lastSeen = lastSeen.truncatedTo(ChronoUnit.MILLIS);
            }
        }
    }

    /** A user was added or changed (its name or profile): re-read it. */
    record UserChanged(long userId) implements Change {
        public UserChanged {
            requireId(userId, "userId");
        }
    }

    /** The ACL policy changed: re-read it and recompute every node's view. */
    record PolicyChanged() implements Change {}

    /** The DNS settings changed: re-read them. */
    record DnsChanged() implements Change {}

    private static void requireId(long id, String name) {
        if (id <= 0) {
            throw new IllegalArgumentException(name + " must be positive (a store id), got " + id);
        }
    }
}
