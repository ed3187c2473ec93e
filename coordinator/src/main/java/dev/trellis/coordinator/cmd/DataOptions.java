package dev.trellis.coordinator.cmd;

import dev.trellis.coordinator.store.Store;
import dev.trellis.coordinator.store.Stores;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Option;

/** Where the coordinator's data lives; shared by every subcommand. */
final class DataOptions {
    static final String DEFAULT_DATA_DIR = "/var/lib/trellis-coordinator";
    /**
     * Flyway reports every schema check at INFO through java.util.logging, which prints to
     * stderr: half a dozen lines around every one-line answer. Held here so the level sticks
     * (the logging framework keeps loggers only weakly).
     */
    private static final Logger FLYWAY = Logger.getLogger("org.flywaydb");

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${env:TRELLIS_COORDINATOR_DATA_DIR:-" + DEFAULT_DATA_DIR + "}",
            description = "Data directory (SQLite database, admin socket). Default: ${DEFAULT-VALUE}.")
    Path dataDir;

    @Option(names = "--database-url", paramLabel = "JDBC_URL",
            defaultValue = "${env:TRELLIS_COORDINATOR_DATABASE_URL}",
            description = "jdbc:postgresql://HOST/DB?user=…: use PostgreSQL instead of SQLite in the data directory.")
    String databaseUrl;

    Store open() {
        FLYWAY.setLevel(Level.WARNING);
        return Stores.open(databaseUrl, dataDir);
    }
}
