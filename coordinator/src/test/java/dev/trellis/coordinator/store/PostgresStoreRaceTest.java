package dev.trellis.coordinator.store;

import java.nio.file.Path;

/** The race and crash contract on PostgreSQL (a private throwaway cluster, see PostgresServer). */
class PostgresStoreRaceTest extends StoreRaceContractTest {
    @Override
    TestDatabase newDatabase(Path tempDir) {
        return new PostgresTestDatabase();
    }
}
