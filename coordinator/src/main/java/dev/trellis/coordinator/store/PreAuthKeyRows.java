package dev.trellis.coordinator.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** SQL for the pre_auth_keys table, and the one place a pre-auth key is checked and consumed. */
final class PreAuthKeyRows {
    private static final String COLUMNS =
            "id, user_id, prefix, secret_hash, reusable, ephemeral, used, expiration, tags, created";

    private PreAuthKeyRows() {}

    static PreAuthKey insert(Connection c, long userId, Secrets.KeyText key, boolean reusable, boolean ephemeral,
            Instant expiration, List<String> tags, Instant created) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO pre_auth_keys (user_id, prefix, secret_hash,"
                + " reusable, ephemeral, used, expiration, tags, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " RETURNING " + COLUMNS)) {
            ps.setLong(1, userId);
            ps.setString(2, key.prefix());
            ps.setBytes(3, key.secretHash());
            ps.setBoolean(4, reusable);
            ps.setBoolean(5, ephemeral);
            ps.setBoolean(6, false);
            Columns.setInstant(ps, 7, expiration);
            ps.setString(8, Columns.json(tags));
            Columns.setInstant(ps, 9, created);
            return one(ps).orElseThrow();
        }
    }

    static Optional<PreAuthKey> byPrefix(Connection c, String prefix, String lock) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT " + COLUMNS + " FROM pre_auth_keys WHERE prefix = ?" + lock)) {
            ps.setString(1, prefix);
            return one(ps);
        }
    }

    static Optional<PreAuthKey> byId(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM pre_auth_keys WHERE id = ?")) {
            ps.setLong(1, id);
            return one(ps);
        }
    }

    /** All keys, or one user's when {@code userId} is not null. */
    static List<PreAuthKey> list(Connection c, Long userId) throws SQLException {
        String where = userId == null ? "" : " WHERE user_id = ?";
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT " + COLUMNS + " FROM pre_auth_keys" + where + " ORDER BY id")) {
            if (userId != null) {
                ps.setLong(1, userId);
            }
            try (ResultSet rs = ps.executeQuery()) {
                List<PreAuthKey> keys = new ArrayList<>();
                while (rs.next()) {
                    keys.add(map(rs));
                }
                return keys;
            }
        }
    }

    /** Moves the expiration to {@code now} unless it is already earlier; false if there is no such key. */
    static boolean expire(Connection c, long id, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE pre_auth_keys SET expiration = ?"
                + " WHERE id = ? AND (expiration IS NULL OR expiration > ?)")) {
            Columns.setInstant(ps, 1, now);
            ps.setLong(2, id);
            Columns.setInstant(ps, 3, now);
            return ps.executeUpdate() == 1 || byId(c, id).isPresent();
        }
    }

    /**
     * Checks a presented key and, if it may be used, marks it used, all inside the caller's
     * transaction. The row is locked first (PostgreSQL), and a one-shot key is marked used with a
     * compare-and-set on {@code used = FALSE}: of any number of concurrent transactions, across
     * processes, exactly one sees the update count 1.
     */
    static PreAuthKeyUse consume(Connection c, Dialect dialect, String prefix, byte[] secretHash, Instant now)
            throws SQLException {
        Optional<PreAuthKey> found = byPrefix(c, prefix, dialect.forUpdate());
        if (found.isEmpty()) {
            return PreAuthKeyUse.refused(PreAuthKeyUse.Status.NOT_FOUND);
        }
        PreAuthKey key = found.get();
        if (!Secrets.hashesEqual(key.secretHash(), secretHash)) {
            return PreAuthKeyUse.refused(PreAuthKeyUse.Status.WRONG_SECRET);
        }
        if (key.expiredAt(now)) {
            return PreAuthKeyUse.refused(PreAuthKeyUse.Status.EXPIRED);
        }
        String sql = "UPDATE pre_auth_keys SET used = ? WHERE id = ?" + (key.reusable() ? "" : " AND used = ?");
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setBoolean(1, true);
            ps.setLong(2, key.id());
            if (!key.reusable()) {
                ps.setBoolean(3, false);
            }
            if (ps.executeUpdate() != 1) {
                return PreAuthKeyUse.refused(PreAuthKeyUse.Status.USED);
            }
        }
        return new PreAuthKeyUse(PreAuthKeyUse.Status.ACCEPTED, new PreAuthKey(key.id(), key.userId(), key.prefix(),
                key.secretHash(), key.reusable(), key.ephemeral(), true, key.expiration(), key.tags(),
                key.created()));
    }

    private static Optional<PreAuthKey> one(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(map(rs)) : Optional.empty();
        }
    }

    private static PreAuthKey map(ResultSet rs) throws SQLException {
        return new PreAuthKey(rs.getLong("id"), rs.getLong("user_id"), rs.getString("prefix"),
                rs.getBytes("secret_hash"), rs.getBoolean("reusable"), rs.getBoolean("ephemeral"),
                rs.getBoolean("used"), Columns.instant(rs, "expiration"), Columns.list(rs, "tags"),
                Columns.instant(rs, "created"));
    }
}
