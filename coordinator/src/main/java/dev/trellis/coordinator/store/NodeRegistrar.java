package dev.trellis.coordinator.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Registration: decides between re-registering a known machine and creating a node, and allocates
 * a new node's address, name and stable id. Runs inside one write transaction that first locks the
 * allocator row, so allocations from any number of coordinator processes are serialised; the
 * UNIQUE constraints would turn a mistake here into a failed (and retried) transaction rather
 * than a duplicate.
 */
final class NodeRegistrar {
    private static final int ADDRESS_BATCH = 512;
    private static final int STABLE_ID_LENGTH = 12;

    private NodeRegistrar() {}

    /** Locks the allocator row until the transaction ends and returns the last address handed out. */
    static long lockAllocator(Connection c, Dialect dialect) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT ip_cursor FROM allocator WHERE id = 1" + dialect.forUpdate());
                ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("the allocator row is missing; the schema was not migrated correctly");
            }
            return rs.getLong(1);
        }
    }

    static Node register(Connection c, Dialect dialect, NodeRegistration r, Instant now) throws SQLException {
        long cursor = lockAllocator(c, dialect);
        long userId;
        List<String> tags;
        boolean ephemeral;
        Long preAuthKeyId;
        switch (r.authorization()) {
            case NodeRegistration.UserLogin login -> {
                if (UserRows.byId(c, login.userId()).isEmpty()) {
                    throw new StoreNotFoundException("no user with id " + login.userId());
                }
                userId = login.userId();
                tags = login.tags();
                ephemeral = false;
                preAuthKeyId = null;
            }
            case NodeRegistration.WithPreAuthKey credential -> {
                PreAuthKeyUse use = PreAuthKeyRows.consume(c, dialect, credential.prefix(),
                        credential.secretHash(), now);
                if (!use.accepted()) {
                    throw new PreAuthKeyRefusedException(use.status());
                }
                userId = use.key().userId();
                tags = use.key().tags();
                ephemeral = use.key().ephemeral();
                preAuthKeyId = use.key().id();
            }
        }
        Optional<Node> existing = NodeRows.byMachineKey(c, r.machineKey());
        Optional<Node> keyHolder = NodeRows.byNodeKey(c, r.nodeKey());
        if (keyHolder.isPresent() && (existing.isEmpty() || keyHolder.get().id() != existing.get().id())) {
            throw new StoreConflictException("node key " + r.nodeKey() + " is already registered to another machine");
        }
        if (existing.isPresent()) {
            long id = existing.get().id();
            NodeRows.updateRegistration(c, id, r, userId, tags, ephemeral, preAuthKeyId);
            return NodeRows.byId(c, id).orElseThrow();
        }
        long ipIndex = allocateAddress(c, cursor);
        try (PreparedStatement ps = c.prepareStatement("UPDATE allocator SET ip_cursor = ? WHERE id = 1")) {
            ps.setLong(1, ipIndex);
            ps.executeUpdate();
        }
        Node fresh = new Node(0, newStableId(c), r.machineKey(), r.nodeKey(), r.discoKey(), userId, r.hostname(),
                allocateName(c, NodeNames.fromHostname(r.hostname())), Addresses.ipv4(ipIndex),
                Addresses.ipv6(ipIndex), r.endpoints(), r.hostinfoJson(), tags, ephemeral, preAuthKeyId,
                Columns.stored(r.keyExpiry()), Columns.stored(now), null);
        return NodeRows.insert(c, fresh, ipIndex);
    }

    /**
     * The first free address after the last one handed out, wrapping to the bottom of the range
     * once the top is reached. Moving forward rather than taking the lowest free address means a
     * deleted node's address is not given to the next node at once, while peers with an older
     * netmap (or a policy written for the old node) may still send it traffic; addresses are
     * reused only after the other ~4 million have been handed out.
     */
    static long allocateAddress(Connection c, long cursor) throws SQLException {
        long found = cursor < Addresses.LAST ? firstFree(c, cursor + 1) : -1;
        if (found < 0) {
            // Wrapped around: counting first spares a scan of the whole range when it is full.
            if (NodeRows.count(c, "1 = 1", ps -> {}) >= Addresses.USABLE) {
                throw new StoreException("no free address: all " + Addresses.USABLE
                        + " usable addresses of 100.64.0.0/10 are in use");
            }
            found = firstFree(c, Addresses.FIRST);
        }
        if (found < 0) {
            throw new StoreException("no free address found in 100.64.0.0/10");
        }
        return found;
    }

    /** The lowest usable address at or above {@code from} that no node holds, or -1. */
    private static long firstFree(Connection c, long from) throws SQLException {
        long candidate = Addresses.usableAtOrAfter(from);
        while (candidate >= 0) {
            List<Long> taken = NodeRows.takenIndexes(c, candidate, Addresses.LAST, ADDRESS_BATCH);
            for (long t : taken) {
                if (t > candidate) {
                    return candidate;
                }
                if (t == candidate) {
                    candidate = Addresses.usableAtOrAfter(candidate + 1);
                    if (candidate < 0) {
                        return -1;
                    }
                }
            }
            if (taken.size() < ADDRESS_BATCH) {
                return candidate;
            }
        }
        return -1;
    }

    /** {@code base}, or the first of {@code base-1}, {@code base-2}, … that no node has. */
    static String allocateName(Connection c, String base) throws SQLException {
        Set<String> taken = NodeRows.namesStartingWith(c,
                base.substring(0, Math.min(base.length(), NodeNames.SHARED_PREFIX)));
        for (int n = 0; ; n++) {
            String candidate = NodeNames.withSuffix(base, n);
            if (!taken.contains(candidate)) {
                return candidate;
            }
        }
    }

    private static String newStableId(Connection c) throws SQLException {
        // 60 random bits: a collision is astronomically rare, but checking costs one indexed lookup.
        while (true) {
            String id = "n" + Secrets.randomToken(STABLE_ID_LENGTH);
            if (!NodeRows.stableIdExists(c, id)) {
                return id;
            }
        }
    }
}
