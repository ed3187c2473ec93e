package dev.trellis.coordinator.cmd;

import dev.trellis.coordinator.store.Store;
import dev.trellis.coordinator.store.Stores;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the coordinator's data lives; shared by every subcommand. */
final class DataOptions {
    static final String DEFAULT_DATA_DIR = "/var/lib/trellis-coordinator";
    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${env:TRELLIS_COORDINATOR_DATA_DIR:-" + DEFAULT_DATA_DIR + "}",
            description = "Data directory (SQLite database, admin socket). Default: ${DEFAULT-VALUE}.")
    Path dataDir;

    @Option(names = "--database-url", paramLabel = "JDBC_URL",
            defaultValue = "${env:TRELLIS_COORDINATOR_DATABASE_URL}",
            description = "jdbc:postgresql://HOST/DB?user=…: use PostgreSQL instead of SQLite in the data directory.")
    String databaseUrl;

    Store open() {
        return Stores.open(databaseUrl, dataDir);
    }
}
