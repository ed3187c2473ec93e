package dev.trellis.coordinator.store;

import java.nio.file.Path;

/** The race and crash contract on SQLite in a temporary data directory. */
class SqliteStoreRaceTest extends StoreRaceContractTest {
    @Override
    TestDatabase newDatabase(Path tempDir) {
        return new SqliteTestDatabase(tempDir);
    }
}
