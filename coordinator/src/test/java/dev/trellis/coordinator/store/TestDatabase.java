package dev.trellis.coordinator.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;

/** One empty database for one test, on one backend. */
interface TestDatabase extends AutoCloseable {
    /** A new {@link Store} (with its own connection pool, like another process) on this database. */
    Store open(Clock clock);

    /** A plain JDBC connection, for looking under the store. */
    Connection rawConnection() throws SQLException;

    /** Arguments that let {@link CrashingWriter} open this database in another JVM. */
    List<String> childArgs();

    @Override
    void close();
}
