package dev.trellis.coordinator.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** SQL for the {@code policies} table. */
final class PolicyRows {
    private static final String COLUMNS = "id, text, author, created";

    private PolicyRows() {}

    static StoredPolicy insert(Connection c, String text, String author, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO policies (text, author, created) VALUES (?, ?, ?) RETURNING " + COLUMNS)) {
            ps.setString(1, text);
            ps.setString(2, author);
            ps.setLong(3, now.toEpochMilli());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return row(rs);
            }
        }
    }

    static Optional<StoredPolicy> current(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT " + COLUMNS + " FROM policies ORDER BY id DESC LIMIT 1");
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(row(rs)) : Optional.empty();
        }
    }

    private static StoredPolicy row(ResultSet rs) throws SQLException {
        return new StoredPolicy(rs.getLong(1), rs.getString(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)));
    }
}
