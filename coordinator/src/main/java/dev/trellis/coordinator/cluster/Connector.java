package dev.trellis.coordinator.cluster;

import java.sql.Connection;
import java.sql.SQLException;

/** Opens a new dedicated database connection for one of the bus's threads. */
@FunctionalInterface
interface Connector {
    /** @param role what the connection is for ("listen" or "publish"), shown to the database */
    Connection open(String role) throws SQLException;
}
