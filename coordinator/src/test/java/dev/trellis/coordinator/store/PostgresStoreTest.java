package dev.trellis.coordinator.store;

import java.nio.file.Path;

/** The operation contract on PostgreSQL (a private throwaway cluster, see PostgresServer). */
class PostgresStoreTest extends StoreContractTest {
    @Override
    TestDatabase newDatabase(Path tempDir) {
        return new PostgresTestDatabase();
    }
}
