package dev.trellis.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoresTest {
    static {
        TestLogging.quiet();
    }

    @TempDir
    Path tempDir;

    @Test
    void sqliteIsTheDefaultInAPrivateDataDirectory() throws Exception {
        Path dataDir = tempDir.resolve("state/trellis");
        Path file = dataDir.resolve("trellis.db");
        try (Store store = Stores.open(null, dataDir)) {
            store.createUser(NewUser.local("alice", "Alice", null));
            assertThat(permissions(dataDir)).isEqualTo("rwx------");
            assertThat(permissions(file)).isEqualTo("rw-------");
            assertThat(permissions(dataDir.resolve("trellis.db-wal"))).isEqualTo("rw-------");
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("wal");
        }
    }

    @Test
    void sqliteConnectionsAreDurableAndEnforceForeignKeys() {
        try (Store store = Stores.open(null, tempDir)) {
            Database db = ((JdbcStore) store).database();
            assertThat(pragma(db, "journal_mode")).isEqualTo("wal");
            assertThat(pragma(db, "synchronous")).isEqualTo("2"); // FULL
            assertThat(pragma(db, "foreign_keys")).isEqualTo("1");
            assertThat(Integer.parseInt(pragma(db, "busy_timeout"))).isPositive();
        }
    }

    private static String pragma(Database db, String name) {
        return db.read("reading " + name, c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA " + name)) {
                rs.next();
                return rs.getString(1);
            }
        });
    }

    @Test
    void aSqliteUrlOpensThatFile() throws Exception {
        Path file = tempDir.resolve("elsewhere.db");
        try (Store store = Stores.open("jdbc:sqlite:" + file, null)) {
            assertThat(store.listUsers()).isEmpty();
        }
        assertThat(permissions(file)).isEqualTo("rw-------");
        for (String url : new String[] {"jdbc:sqlite:", "jdbc:sqlite::memory:", "jdbc:sqlite:file:x.db",
                "jdbc:sqlite:" + file + "?journal_mode=DELETE"}) {
            assertThatThrownBy(() -> Stores.open(url, null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("plain file path");
        }
    }

    private static String permissions(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    @Test
    void unsupportedUrlsAreRefusedWithoutCredentials() {
        assertThatThrownBy(() -> Stores.open("jdbc:mysql://db/trellis?password=hunter2", tempDir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jdbc:mysql://db/trellis")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void anUnreachablePostgresFailsClearlyWithoutCredentials() {
        assertThatThrownBy(() -> Stores.open(
                "jdbc:postgresql://127.0.0.1:1/trellis?user=u&password=hunter2&connectTimeout=2", tempDir))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("cannot connect to PostgreSQL at jdbc:postgresql://127.0.0.1:1/trellis")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void redactionDropsUserInfoAndQuery() {
        assertThat(Stores.redact("jdbc:postgresql://u:pw@db:5432/x?password=pw")).isEqualTo("jdbc:postgresql://db:5432/x");
    }
}
