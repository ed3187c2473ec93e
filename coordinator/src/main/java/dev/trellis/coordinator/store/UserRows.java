package dev.trellis.coordinator.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** SQL for the users table. */
final class UserRows {
    private static final String COLUMNS =
            "id, name, display_name, login_name, provider, subject, password_hash, created";

    private UserRows() {}

    static User insert(Connection c, NewUser u, Instant created) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO users (name, display_name, login_name, provider,"
                + " subject, password_hash, created) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING " + COLUMNS)) {
            ps.setString(1, u.name());
            ps.setString(2, u.displayName());
            ps.setString(3, u.loginName());
            ps.setString(4, u.provider());
            ps.setString(5, u.subject());
            ps.setString(6, u.passwordHash());
            Columns.setInstant(ps, 7, created);
            return one(ps).orElseThrow();
        }
    }

    static Optional<User> byId(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM users WHERE id = ?")) {
            ps.setLong(1, id);
            return one(ps);
        }
    }

    static Optional<User> byName(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM users WHERE name = ?")) {
            ps.setString(1, name);
            return one(ps);
        }
    }

    static Optional<User> byProviderSubject(Connection c, String provider, String subject) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT " + COLUMNS + " FROM users WHERE provider = ? AND subject = ?")) {
            ps.setString(1, provider);
            ps.setString(2, subject);
            return one(ps);
        }
    }

    static List<User> list(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM users ORDER BY id");
                ResultSet rs = ps.executeQuery()) {
            List<User> users = new ArrayList<>();
            while (rs.next()) {
                users.add(map(rs));
            }
            return users;
        }
    }

    static boolean delete(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM users WHERE id = ?")) {
            ps.setLong(1, id);
            return ps.executeUpdate() == 1;
        }
    }

    private static Optional<User> one(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(map(rs)) : Optional.empty();
        }
    }

    private static User map(ResultSet rs) throws SQLException {
        return new User(rs.getLong("id"), rs.getString("name"), rs.getString("display_name"),
                rs.getString("login_name"), rs.getString("provider"), rs.getString("subject"),
                rs.getString("password_hash"), Columns.instant(rs, "created"));
    }
}
