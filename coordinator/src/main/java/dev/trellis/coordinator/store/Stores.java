package dev.trellis.coordinator.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/** Opens the coordinator's {@link Store}: SQLite in the data directory by default, or PostgreSQL. */
public final class Stores {
    /** The SQLite database file inside the data directory. */
    public static final String SQLITE_FILE = "trellis.db";
    private static final String POSTGRES_SCHEME = "jdbc:postgresql:";
    private static final String SQLITE_SCHEME = "jdbc:sqlite:";
    private static final int SQLITE_BUSY_TIMEOUT_MILLIS = 10_000;
    private static final int POSTGRES_POOL_SIZE = 8;

    private Stores() {}

    /** As {@link #open(String, Path, Clock)} with the system clock. */
    public static Store open(String jdbcUrlOrNull, Path dataDir) {
        return open(jdbcUrlOrNull, dataDir, Clock.systemUTC());
    }

    /**
     * Opens the store and brings its schema up to date.
     *
     * @param jdbcUrlOrNull null for SQLite at {@code dataDir/trellis.db} (the directory is created
     *     with mode 0700, the file with 0600); {@code jdbc:postgresql://host:port/db?user=…} for
     *     PostgreSQL; {@code jdbc:sqlite:<file path>} for SQLite elsewhere (file created 0600)
     * @param clock source of the stores' "created" times
     * @throws StoreException if the database can't be reached or migrated; the message never
     *     contains the URL's credentials
     */
    public static Store open(String jdbcUrlOrNull, Path dataDir, Clock clock) {
        Checks.notNull(clock, "clock");
        if (jdbcUrlOrNull == null) {
            Checks.notNull(dataDir, "data directory");
            return new JdbcStore(openSqlite(prepareDataDir(dataDir).resolve(SQLITE_FILE)), clock);
        }
        if (jdbcUrlOrNull.startsWith(POSTGRES_SCHEME)) {
            return new JdbcStore(openPostgres(jdbcUrlOrNull), clock);
        }
        if (jdbcUrlOrNull.startsWith(SQLITE_SCHEME)) {
            String path = jdbcUrlOrNull.substring(SQLITE_SCHEME.length());
            if (path.isEmpty() || path.startsWith(":") || path.startsWith("file:") || path.contains("?")) {
                throw new IllegalArgumentException("jdbc:sqlite: takes a plain file path (no :memory:, file: URIs"
                        + " or parameters): the store sets its own SQLite options");
            }
            return new JdbcStore(openSqlite(Path.of(path)), clock);
        }
        throw new IllegalArgumentException("unsupported database URL " + redact(jdbcUrlOrNull)
                + ": use jdbc:postgresql://host:port/database, or none for SQLite in the data directory");
    }

    private static Path prepareDataDir(Path dataDir) {
        try {
            if (!Files.isDirectory(dataDir)) {
                if (posix(dataDir.toAbsolutePath().getParent())) {
                    Files.createDirectories(dataDir,
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } else {
                    Files.createDirectories(dataDir);
                }
            }
            return dataDir;
        } catch (IOException e) {
            throw new StoreException("cannot create data directory " + dataDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * SQLite settings, applied to every connection:
     * <ul>
     * <li>WAL journal: readers don't block the writer, and a commit is one append to the log;
     * <li>synchronous=FULL: every commit fsyncs the WAL before it returns. A commit then survives
     *     kill -9 and also power loss or a kernel crash; NORMAL would survive kill -9 only (the WAL
     *     sits in the page cache until a checkpoint), losing the last commits on power loss;
     * <li>foreign_keys=ON: SQLite ignores REFERENCES clauses without it;
     * <li>busy_timeout: wait for another process's write lock instead of failing at once;
     * <li>transaction_mode=IMMEDIATE, for connections that use {@code setAutoCommit(false)}
     *     (Flyway); the store itself issues {@code BEGIN IMMEDIATE} (see {@link Dialect#SQLITE}).
     * </ul>
     * The pool holds one connection, so this process's writes are serialised (SQLite allows one
     * writer at a time anyway); other processes wait on the file lock.
     */
    private static Database openSqlite(Path file) {
        createPrivateFile(file);
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.enforceForeignKeys(true);
        config.setBusyTimeout(SQLITE_BUSY_TIMEOUT_MILLIS);
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        SQLiteDataSource sqlite = new SQLiteDataSource(config);
        sqlite.setUrl(SQLITE_SCHEME + file);
        // Flyway gets its own connections, outside the one-connection pool it could otherwise starve.
        migrate(sqlite, Dialect.SQLITE, "SQLite database " + file);
        HikariConfig hikari = new HikariConfig();
        hikari.setDataSource(sqlite);
        hikari.setPoolName("trellis-sqlite");
        hikari.setMaximumPoolSize(1);
        hikari.setMinimumIdle(1);
        HikariDataSource pool = startPool(hikari, "SQLite database " + file);
        return new Database(pool, Dialect.SQLITE, pool::evictConnection, pool);
    }

    private static void createPrivateFile(Path file) {
        try {
            if (posix(file.toAbsolutePath().getParent())) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(file);
            }
        } catch (FileAlreadyExistsException e) {
            // An existing database keeps the permissions its owner gave it. SQLite gives the -wal
            // and -shm files it creates the database file's permissions.
        } catch (IOException e) {
            throw new StoreException("cannot create database file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * PostgreSQL: a pool of connections in READ COMMITTED, the default. Allocations lock the rows
     * they depend on (see {@link Dialect#POSTGRESQL}), which is what makes several coordinator
     * processes on one database safe.
     */
    private static Database openPostgres(String url) {
        String where = "PostgreSQL at " + redact(url);
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(url);
        hikari.setPoolName("trellis-postgresql");
        hikari.setMaximumPoolSize(POSTGRES_POOL_SIZE);
        hikari.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        HikariDataSource pool = startPool(hikari, where);
        try {
            migrate(pool, Dialect.POSTGRESQL, where);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return new Database(pool, Dialect.POSTGRESQL, pool::evictConnection, pool);
    }

    private static HikariDataSource startPool(HikariConfig config, String where) {
        try {
            return new HikariDataSource(config);
        } catch (HikariPool.PoolInitializationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new StoreException("cannot connect to " + where + ": " + cause.getMessage(), e);
        }
    }

    private static void migrate(DataSource dataSource, Dialect dialect, String where) {
        try {
            Flyway.configure(Stores.class.getClassLoader())
                    .dataSource(dataSource)
                    .locations("classpath:db/migration")
                    .placeholders(dialect.placeholders())
                    .failOnMissingLocations(true)
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            throw new StoreException("cannot bring the schema of " + where + " up to date: " + e.getMessage(), e);
        }
    }

    private static boolean posix(Path dir) {
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        try {
            return existing != null && Files.getFileStore(existing).supportsFileAttributeView("posix");
        } catch (IOException e) {
            return false;
        }
    }

    /** The URL without query parameters or user info, which may carry a password. */
    static String redact(String url) {
        int query = url.indexOf('?');
        String base = query < 0 ? url : url.substring(0, query);
        return base.replaceAll("//[^/@]*@", "//");
    }
}
