package dev.trellis.coordinator.store;

import dev.trellis.protocol.key.MachinePublicKey;
import dev.trellis.protocol.key.NodePublicKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** SQL for the auth_requests table. */
final class AuthRequestRows {
    private static final String COLUMNS =
            "id, machine_key, node_key, hostname, hostinfo, created, expires, completed_user_id, completed";

    private AuthRequestRows() {}

    static void insert(Connection c, AuthRequest r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO auth_requests (" + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, r.id());
            ps.setString(2, r.machineKey().toString());
            ps.setString(3, r.nodeKey().toString());
            ps.setString(4, r.hostname());
            ps.setString(5, r.hostinfoJson());
            Columns.setInstant(ps, 6, r.created());
            Columns.setInstant(ps, 7, r.expires());
            Columns.setLong(ps, 8, r.completedUserId());
            Columns.setInstant(ps, 9, r.completed());
            ps.executeUpdate();
        }
    }

    static Optional<AuthRequest> byId(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM auth_requests WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        }
    }

    /**
     * Compare-and-set: completes the request only if it is still pending and unexpired. The
     * database evaluates the condition on the latest committed row, so of concurrent callers,
     * across processes, exactly one sees the update count 1.
     */
    static boolean complete(Connection c, String id, long userId, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE auth_requests SET completed_user_id = ?,"
                + " completed = ? WHERE id = ? AND completed IS NULL AND expires > ?")) {
            ps.setLong(1, userId);
            Columns.setInstant(ps, 2, now);
            ps.setString(3, id);
            Columns.setInstant(ps, 4, now);
            return ps.executeUpdate() == 1;
        }
    }

    static int deleteExpired(Connection c, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM auth_requests WHERE expires <= ?")) {
            Columns.setInstant(ps, 1, now);
            return ps.executeUpdate();
        }
    }

    private static AuthRequest map(ResultSet rs) throws SQLException {
        return new AuthRequest(rs.getString("id"), MachinePublicKey.parse(rs.getString("machine_key")),
                NodePublicKey.parse(rs.getString("node_key")), rs.getString("hostname"), rs.getString("hostinfo"),
                Columns.instant(rs, "created"), Columns.instant(rs, "expires"),
                Columns.nullableLong(rs, "completed_user_id"), Columns.instant(rs, "completed"));
    }
}
