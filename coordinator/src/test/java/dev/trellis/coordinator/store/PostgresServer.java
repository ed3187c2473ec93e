package dev.trellis.coordinator.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A private, throwaway PostgreSQL cluster for the tests, started once per JVM from Debian's
 * {@code postgresql} package binaries (never the system service): initdb into a temporary
 * directory, listening on 127.0.0.1 at a free port with its socket in that directory, trust
 * authentication. As root it runs as the {@code postgres} OS user, since initdb refuses root. It
 * is stopped and deleted when the JVM exits. fsync is off: the cluster only has to outlive the
 * test run, and PostgreSQL's own durability is not what these tests check.
 *
 * <p>Missing binaries fail the tests with the install command, unless
 * {@code TRELLIS_SKIP_POSTGRES_TESTS=1} opts out explicitly.
 */
public final class PostgresServer {
    private static final Path PACKAGE_ROOT = Path.of("/usr/lib/postgresql");
    private static final long STEP_TIMEOUT_SECONDS = 90;
    private static PostgresServer shared;
    private static Throwable startFailure;

    private final Path bin;
    private final Path dir;
    private final boolean asPostgresUser;
    private final int port;
    private static final String TEMPLATE = "trellis_template";
    private final AtomicInteger databases = new AtomicInteger();
    private boolean templateReady;

    private PostgresServer(Path bin, Path dir, boolean asPostgresUser, int port) {
        this.bin = bin;
        this.dir = dir;
        this.asPostgresUser = asPostgresUser;
        this.port = port;
    }

    /** The JVM-wide cluster, started on first use. */
    public static synchronized PostgresServer shared() {
        if (shared == null && startFailure == null) {
            Path bin = findBinaries();
            try {
                shared = start(bin);
            } catch (RuntimeException | Error e) {
                startFailure = e;
            }
        }
        if (startFailure != null) {
            throw new IllegalStateException("the test PostgreSQL cluster did not start", startFailure);
        }
        return shared;
    }

    private static Path findBinaries() {
        Path found = null;
        if (Files.isDirectory(PACKAGE_ROOT)) {
            try (Stream<Path> versions = Files.list(PACKAGE_ROOT)) {
                found = versions.filter(v -> Files.isExecutable(v.resolve("bin/initdb"))
                                && Files.isExecutable(v.resolve("bin/pg_ctl")))
                        .max(Comparator.comparingInt(PostgresServer::majorVersion))
                        .map(v -> v.resolve("bin"))
                        .orElse(null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (found == null) {
            String message = "PostgreSQL server binaries not found under " + PACKAGE_ROOT
                    + "/<version>/bin; install them with: apt-get install -y postgresql";
            if ("1".equals(System.getenv("TRELLIS_SKIP_POSTGRES_TESTS"))) {
                Assumptions.abort(message + " (skipped: TRELLIS_SKIP_POSTGRES_TESTS=1)");
            }
            throw new IllegalStateException(message
                    + " (or set TRELLIS_SKIP_POSTGRES_TESTS=1 to skip the PostgreSQL tests on purpose)");
        }
        return found;
    }

    private static int majorVersion(Path versionDir) {
        try {
            return Integer.parseInt(versionDir.getFileName().toString());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static PostgresServer start(Path bin) {
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir;
        try {
            dir = Files.createTempDirectory("trellis-pg-");
            Files.createDirectory(dir.resolve("socket"));
            if (root) {
                UserPrincipal postgres = dir.getFileSystem().getUserPrincipalLookupService()
                        .lookupPrincipalByName("postgres");
                Files.setOwner(dir, postgres);
                Files.setOwner(dir.resolve("socket"), postgres);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare a directory for the test PostgreSQL cluster"
                    + " (as root this needs the 'postgres' OS user from the postgresql package)", e);
        }
        PostgresServer server = null;
        try {
            server = new PostgresServer(bin, dir, root, 0);
            server.run("initdb", "-D", dir.resolve("data").toString(), "-U", "postgres", "-A", "trust",
                    "-E", "UTF8", "--locale=C", "--no-sync");
            IllegalStateException last = null;
            for (int attempt = 0; attempt < 3; attempt++) {
                int port = freePort();
                PostgresServer candidate = new PostgresServer(bin, dir, root, port);
                try {
                    candidate.run("pg_ctl", "-D", dir.resolve("data").toString(), "-l",
                            dir.resolve("server.log").toString(), "-w", "-t", "60", "-o",
                            "-h 127.0.0.1 -p " + port + " -k " + dir.resolve("socket")
                                    + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
                                    + " -c max_connections=200",
                            "start");
                    PostgresServer started = candidate;
                    Runtime.getRuntime().addShutdownHook(new Thread(started::stopAndDelete, "postgres-test-stop"));
                    return started;
                } catch (IllegalStateException e) {
                    last = e; // most likely the port was taken between probing and binding
                }
            }
            throw last;
        } catch (RuntimeException e) {
            if (server != null) {
                server.stopAndDelete();
            }
            throw e;
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Creates a database with the store's schema and returns its JDBC URL. Copying a template that
     * was migrated once is faster than migrating every test's database; opening the store on it
     * still runs Flyway, which then only validates.
     */
    public synchronized String createDatabase() {
        if (!templateReady) {
            admin("CREATE DATABASE " + TEMPLATE);
            Stores.open(url(TEMPLATE), null).close();
            templateReady = true;
        }
        String name = "trellis_test_" + databases.incrementAndGet();
        admin("CREATE DATABASE " + name + " TEMPLATE " + TEMPLATE);
        return url(name);
    }

    public void dropDatabase(String url) {
        admin("DROP DATABASE IF EXISTS " + url.substring(url.lastIndexOf('/') + 1, url.indexOf('?'))
                + " WITH (FORCE)");
    }

    private String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=postgres";
    }

    private void admin(String sql) {
        try (Connection c = DriverManager.getConnection(url("postgres")); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " failed on the test PostgreSQL cluster: " + e.getMessage(), e);
        }
    }

    private void stopAndDelete() {
        try {
            if (Files.exists(dir.resolve("data/postmaster.pid"))) {
                run("pg_ctl", "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop");
            }
        } catch (RuntimeException e) {
            System.err.println("stopping the test PostgreSQL cluster failed: " + e.getMessage());
        } finally {
            deleteRecursively(dir);
        }
    }

    /** Runs a PostgreSQL program to completion, failing with its output if it fails or hangs. */
    private void run(String program, String... args) {
        List<String> command = new ArrayList<>();
        if (asPostgresUser) {
            command.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        command.add(bin.resolve(program).toString());
        command.addAll(List.of(args));
        Path output = dir.resolve(program + ".out");
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            if (!p.waitFor(STEP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(program + " did not finish within " + STEP_TIMEOUT_SECONDS + " s: "
                        + tail(output));
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited with " + p.exitValue() + ": "
                        + tail(output) + " " + tail(dir.resolve("server.log")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + program, e);
        }
    }

    private static String tail(Path file) {
        try {
            String text = Files.exists(file) ? Files.readString(file) : "";
            return text.length() > 2000 ? "…" + text.substring(text.length() - 2000) : text;
        } catch (IOException e) {
            return "(cannot read " + file + ")";
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    System.err.println("cannot delete " + p + ": " + e.getMessage());
                }
            });
        } catch (IOException e) {
            System.err.println("cannot delete " + root + ": " + e.getMessage());
        }
    }
}
