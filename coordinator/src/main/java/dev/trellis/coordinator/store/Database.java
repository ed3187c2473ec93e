package dev.trellis.coordinator.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * Runs units of work in transactions: all of a unit's writes commit together or none do, and a
 * unit that lost a race with another process is retried from the start.
 */
final class Database implements AutoCloseable {
    /** Attempts for a unit that keeps losing races; after that the caller sees the failure. */
    static final int MAX_ATTEMPTS = 8;

    /** A unit of work; it must not keep the connection, and may run more than once. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final DataSource dataSource;
    private final Dialect dialect;
    private final Consumer<Connection> discard;
    private final AutoCloseable onClose;

    /**
     * @param discard closes a borrowed connection for good instead of returning it to the pool
     * @param onClose releases the pool
     */
    Database(DataSource dataSource, Dialect dialect, Consumer<Connection> discard, AutoCloseable onClose) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.discard = discard;
        this.onClose = onClose;
    }

    Dialect dialect() {
        return dialect;
    }

    /** Runs a single-statement read outside a transaction (SQLite needs no write lock for it). */
    <T> T read(String what, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw translate(what, e);
        }
    }

    /** Runs {@code work} in a write transaction; conflicts become {@link StoreConflictException}. */
    <T> T write(String what, Work<T> work) {
        return write(what, false, work);
    }

    /**
     * Runs {@code work} in a write transaction.
     *
     * @param retryOnUniqueViolation for units that allocate unique values: a violation means a
     *     concurrent writer took the value first, and a fresh attempt will choose another
     */
    <T> T write(String what, boolean retryOnUniqueViolation, Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return attempt(work);
            } catch (SQLException e) {
                Dialect.Failure failure = dialect.classify(e);
                boolean retry = failure == Dialect.Failure.TRANSIENT
                        || retryOnUniqueViolation && failure == Dialect.Failure.UNIQUE_VIOLATION;
                if (!retry || attempt == MAX_ATTEMPTS) {
                    throw translate(what, e);
                }
                // Random back-off, so racing writers don't collide again in lock step.
                LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(1_000_000L, 1_000_000L << attempt));
            }
        }
    }

    private <T> T attempt(Work<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            dialect.begin(c);
            boolean committed = false;
            try {
                T result = work.run(c);
                dialect.commit(c);
                committed = true;
                return result;
            } finally {
                if (!committed) {
                    rollbackOrDiscard(c);
                }
            }
        }
    }

    /**
     * A connection whose rollback failed may still be inside a transaction; it must not go back to
     * the pool, where the next unit's BEGIN would fail or, worse, join that transaction.
     */
    private void rollbackOrDiscard(Connection c) {
        try {
            dialect.rollback(c);
        } catch (SQLException rollbackFailed) {
            discard.accept(c);
        }
    }

    StoreException translate(String what, SQLException e) {
        return switch (dialect.classify(e)) {
            case UNIQUE_VIOLATION -> new StoreConflictException(what + ": conflicts with an existing entry", e);
            case FOREIGN_KEY_VIOLATION -> new StoreConflictException(
                    what + ": refers to an entry that does not exist, or is still referred to", e);
            case TRANSIENT -> new StoreException(what + ": the database stayed busy (lost " + MAX_ATTEMPTS
                    + " races with other writers); try again", e);
            case OTHER -> new StoreException(what + " failed: database error"
                    + (e.getSQLState() != null ? " " + e.getSQLState() : "") + ": " + e.getMessage(), e);
        };
    }

    @Override
    public void close() {
        try {
            onClose.close();
        } catch (Exception e) {
            throw new StoreException("closing the database failed", e);
        }
    }
}
