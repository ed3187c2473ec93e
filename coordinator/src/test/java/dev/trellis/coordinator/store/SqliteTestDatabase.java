package dev.trellis.coordinator.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;

/** SQLite in the test's temporary directory, opened exactly as the coordinator opens it by default. */
final class SqliteTestDatabase implements TestDatabase {
    private final Path dataDir;

    SqliteTestDatabase(Path tempDir) {
        this.dataDir = tempDir.resolve("data");
    }

    @Override
    public Store open(Clock clock) {
        return Stores.open(null, dataDir, clock);
    }

    @Override
    public Connection rawConnection() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve(Stores.SQLITE_FILE));
    }

    @Override
    public List<String> childArgs() {
        return List.of("-", dataDir.toString());
    }

    @Override
    public void close() {
        // @TempDir removes the files.
    }
}
