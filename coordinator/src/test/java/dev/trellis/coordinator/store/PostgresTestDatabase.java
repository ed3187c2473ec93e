package dev.trellis.coordinator.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;

/** A fresh database in the JVM-wide throwaway PostgreSQL cluster. */
final class PostgresTestDatabase implements TestDatabase {
    private final String url;

    PostgresTestDatabase() {
        this.url = PostgresServer.shared().createDatabase();
    }

    @Override
    public Store open(Clock clock) {
        return Stores.open(url, null, clock);
    }

    @Override
    public Connection rawConnection() throws SQLException {
        return DriverManager.getConnection(url);
    }

    @Override
    public List<String> childArgs() {
        return List.of(url, "-");
    }

    @Override
    public void close() {
        PostgresServer.shared().dropDatabase(url);
    }
}
