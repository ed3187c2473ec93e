package dev.trellis.coordinator.store;

import java.nio.file.Path;

/** The operation contract on SQLite in a temporary data directory. */
class SqliteStoreTest extends StoreContractTest {
    @Override
    TestDatabase newDatabase(Path tempDir) {
        return new SqliteTestDatabase(tempDir);
    }
}
