/**
 * Fan-out of changes between coordinator processes that share one database: after a change
 * commits, its coordinator publishes a small hint ({@link dev.trellis.coordinator.cluster.Change})
 * and every other coordinator re-reads what it names from the store. PostgreSQL LISTEN/NOTIFY
 * carries the hints; one SQLite process needs none. Depends only on the JDK and the PostgreSQL
 * JDBC driver; the coordinator's composition root and tailnet may depend on it.
 */
package dev.trellis.coordinator.cluster;
