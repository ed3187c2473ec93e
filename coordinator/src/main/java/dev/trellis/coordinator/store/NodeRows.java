package dev.trellis.coordinator.store;

import dev.trellis.protocol.key.MachinePublicKey;
import dev.trellis.protocol.key.NodePublicKey;
import java.net.Inet4Address;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** SQL for the nodes table. */
final class NodeRows {
    private static final String COLUMNS = "id, stable_id, machine_key, node_key, disco_key, user_id, hostname, name,"
            + " ipv4, ipv6, endpoints, hostinfo, tags, ephemeral, pre_auth_key_id, key_expiry, created, last_seen";

    /** Binds the parameters of one statement. */
    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private NodeRows() {}

    /** Inserts {@code n} (its id is ignored) and returns it with the id the database chose. */
    static Node insert(Connection c, Node n, long ipIndex) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO nodes (stable_id, machine_key, node_key,"
                + " disco_key, user_id, hostname, name, ip_index, ipv4, ipv6, endpoints, hostinfo, tags, ephemeral,"
                + " pre_auth_key_id, key_expiry, created, last_seen)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING " + COLUMNS)) {
            ps.setString(1, n.stableId());
            ps.setString(2, n.machineKey().toString());
            ps.setString(3, n.nodeKey().toString());
            ps.setString(4, n.discoKey());
            ps.setLong(5, n.userId());
            ps.setString(6, n.hostname());
            ps.setString(7, n.name());
            ps.setLong(8, ipIndex);
            ps.setString(9, Addresses.ipv4Text(ipIndex));
            ps.setString(10, Addresses.ipv6Text(ipIndex));
            ps.setString(11, Columns.json(n.endpoints()));
            ps.setString(12, n.hostinfoJson());
            ps.setString(13, Columns.json(n.tags()));
            ps.setBoolean(14, n.ephemeral());
            Columns.setLong(ps, 15, n.preAuthKeyId());
            Columns.setInstant(ps, 16, n.keyExpiry());
            Columns.setInstant(ps, 17, n.created());
            Columns.setInstant(ps, 18, n.lastSeen());
            return one(ps).orElseThrow();
        }
    }

    /** What a re-registration replaces; id, stable id, addresses, name and created stay. */
    static void updateRegistration(Connection c, long id, NodeRegistration r, long userId, List<String> tags,
            boolean ephemeral, Long preAuthKeyId) throws SQLException {
        update(c, "node_key = ?, disco_key = ?, user_id = ?, hostname = ?, endpoints = ?, hostinfo = ?, tags = ?,"
                + " ephemeral = ?, pre_auth_key_id = ?, key_expiry = ? WHERE id = ?", ps -> {
                    ps.setString(1, r.nodeKey().toString());
                    ps.setString(2, r.discoKey());
                    ps.setLong(3, userId);
                    ps.setString(4, r.hostname());
                    ps.setString(5, Columns.json(r.endpoints()));
                    ps.setString(6, r.hostinfoJson());
                    ps.setString(7, Columns.json(tags));
                    ps.setBoolean(8, ephemeral);
                    Columns.setLong(ps, 9, preAuthKeyId);
                    Columns.setInstant(ps, 10, r.keyExpiry());
                    ps.setLong(11, id);
                });
    }

    /** {@code UPDATE nodes SET <assignments>}; returns the number of rows changed. */
    static int update(Connection c, String assignments, Binder binder) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE nodes SET " + assignments)) {
            binder.bind(ps);
            return ps.executeUpdate();
        }
    }

    static Optional<Node> byId(Connection c, long id) throws SQLException {
        return where(c, "id = ?", ps -> ps.setLong(1, id));
    }

    static Optional<Node> byMachineKey(Connection c, MachinePublicKey key) throws SQLException {
        return where(c, "machine_key = ?", ps -> ps.setString(1, key.toString()));
    }

    static Optional<Node> byNodeKey(Connection c, NodePublicKey key) throws SQLException {
        return where(c, "node_key = ?", ps -> ps.setString(1, key.toString()));
    }

    static Optional<Node> byName(Connection c, String name) throws SQLException {
        return where(c, "name = ?", ps -> ps.setString(1, name));
    }

    static boolean stableIdExists(Connection c, String stableId) throws SQLException {
        return where(c, "stable_id = ?", ps -> ps.setString(1, stableId)).isPresent();
    }

    static List<Node> list(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM nodes ORDER BY id");
                ResultSet rs = ps.executeQuery()) {
            List<Node> nodes = new ArrayList<>();
            while (rs.next()) {
                nodes.add(map(rs));
            }
            return nodes;
        }
    }

    static long count(Connection c, String condition, Binder binder) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM nodes WHERE " + condition)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Names that start with {@code prefix} (only [a-z0-9-], so no LIKE wildcards). */
    static Set<String> namesStartingWith(Connection c, String prefix) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT name FROM nodes WHERE name LIKE ?")) {
            ps.setString(1, prefix + "%");
            try (ResultSet rs = ps.executeQuery()) {
                Set<String> names = new HashSet<>();
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
                return names;
            }
        }
    }

    /** Up to {@code limit} taken address indexes in [from, to], ascending. */
    static List<Long> takenIndexes(Connection c, long from, long to, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT ip_index FROM nodes"
                + " WHERE ip_index >= ? AND ip_index <= ? ORDER BY ip_index LIMIT " + limit)) {
            ps.setLong(1, from);
            ps.setLong(2, to);
            try (ResultSet rs = ps.executeQuery()) {
                List<Long> taken = new ArrayList<>();
                while (rs.next()) {
                    taken.add(rs.getLong(1));
                }
                return taken;
            }
        }
    }

    /** Deletes the nodes matching {@code condition}; returns their ids. */
    static List<Long> deleteWhere(Connection c, String condition, Binder binder) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM nodes WHERE " + condition + " RETURNING id")) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                List<Long> ids = new ArrayList<>();
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
                ids.sort(null);
                return ids;
            }
        }
    }

    private static Optional<Node> where(Connection c, String condition, Binder binder) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM nodes WHERE " + condition)) {
            binder.bind(ps);
            return one(ps);
        }
    }

    private static Optional<Node> one(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(map(rs)) : Optional.empty();
        }
    }

    private static Node map(ResultSet rs) throws SQLException {
        return new Node(rs.getLong("id"), rs.getString("stable_id"),
                MachinePublicKey.parse(rs.getString("machine_key")), NodePublicKey.parse(rs.getString("node_key")),
                rs.getString("disco_key"), rs.getLong("user_id"), rs.getString("hostname"), rs.getString("name"),
                Inet4Address.ofLiteral(rs.getString("ipv4")), Addresses.parseIpv6(rs.getString("ipv6")),
                Columns.list(rs, "endpoints"), rs.getString("hostinfo"), Columns.list(rs, "tags"),
                rs.getBoolean("ephemeral"), Columns.nullableLong(rs, "pre_auth_key_id"),
                Columns.instant(rs, "key_expiry"), Columns.instant(rs, "created"), Columns.instant(rs, "last_seen"));
    }
}
