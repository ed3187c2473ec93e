package dev.trellis.coordinator.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** SQL for the api_keys table. */
final class ApiKeyRows {
    private static final String COLUMNS = "id, prefix, secret_hash, created, expiration, last_used";

    private ApiKeyRows() {}

    static ApiKey insert(Connection c, Secrets.KeyText key, Instant created, Instant expiration) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO api_keys (prefix, secret_hash, created,"
                + " expiration) VALUES (?, ?, ?, ?) RETURNING " + COLUMNS)) {
            ps.setString(1, key.prefix());
            ps.setBytes(2, key.secretHash());
            Columns.setInstant(ps, 3, created);
            Columns.setInstant(ps, 4, expiration);
            return one(ps).orElseThrow();
        }
    }

    static Optional<ApiKey> byPrefix(Connection c, String prefix) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM api_keys WHERE prefix = ?")) {
            ps.setString(1, prefix);
            return one(ps);
        }
    }

    static List<ApiKey> list(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM api_keys ORDER BY id");
                ResultSet rs = ps.executeQuery()) {
            List<ApiKey> keys = new ArrayList<>();
            while (rs.next()) {
                keys.add(map(rs));
            }
            return keys;
        }
    }

    static boolean delete(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM api_keys WHERE id = ?")) {
            ps.setLong(1, id);
            return ps.executeUpdate() == 1;
        }
    }

    /** Records a use; never moves last_used backwards (concurrent requests may finish out of order). */
    static boolean touch(Connection c, long id, Instant used) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE api_keys SET last_used = ?"
                + " WHERE id = ? AND (last_used IS NULL OR last_used < ?)")) {
            Columns.setInstant(ps, 1, used);
            ps.setLong(2, id);
            Columns.setInstant(ps, 3, used);
            if (ps.executeUpdate() == 1) {
                return true;
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM api_keys WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static Optional<ApiKey> one(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(map(rs)) : Optional.empty();
        }
    }

    private static ApiKey map(ResultSet rs) throws SQLException {
        return new ApiKey(rs.getLong("id"), rs.getString("prefix"), rs.getBytes("secret_hash"),
                Columns.instant(rs, "created"), Columns.instant(rs, "expiration"), Columns.instant(rs, "last_used"));
    }
}
