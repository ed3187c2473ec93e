package dev.trellis.coordinator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trellis.coordinator.store.PostgresServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Buses on one database of the tests' private PostgreSQL cluster, as coordinators in separate processes. */
class PostgresChangeBusTest {
    /** Quick heartbeats and reconnects, so failures are noticed within a test's patience. */
    static final PostgresChangeBus.Settings FAST = new PostgresChangeBus.Settings(Duration.ofMillis(300),
            Duration.ofSeconds(1), Duration.ofMillis(20), Duration.ofMillis(200), 10_000, Duration.ofSeconds(2));

    private String url;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void createDatabase() {
        url = PostgresServer.shared().createDatabase();
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
        PostgresServer.shared().dropDatabase(url);
    }

    private PostgresChangeBus bus(String jdbcUrl) {
        PostgresChangeBus bus = PostgresChangeBus.start(jdbcUrl, FAST);
        open.add(bus);
        return bus;
    }

    private Recorder listen(ChangeBus bus) {
        Recorder r = new Recorder();
        bus.subscribe(r);
        return r;
    }

    private Connection raw() throws SQLException {
        Connection c = DriverManager.getConnection(url);
        open.add(c);
        return c;
    }

    private static void notify(Connection c, String payload) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            s.setString(1, PostgresChangeBus.CHANNEL);
            s.setString(2, payload);
            s.executeQuery().close();
        }
    }

    /**
     * Ends the backend of one of a bus's connections, as a database restart or an operator would,
     * and waits until that backend is gone. (Not until the bus has fewer backends: it may have
     * reconnected before a poll sees the gap.)
     */
    private void terminate(PostgresChangeBus bus, String role) throws Exception {
        String name = "trellis-changes-" + role + " " + bus.processId();
        int pid;
        try (Connection c = DriverManager.getConnection(url);
                PreparedStatement s = c.prepareStatement(
                        "SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ?")) {
            s.setString(1, name);
            try (ResultSet rs = s.executeQuery()) {
                assertThat(rs.next()).as("a backend named " + name).isTrue();
                pid = rs.getInt(1);
                assertThat(rs.getBoolean(2)).isTrue();
            }
        }
        Waits.until(() -> !backendAlive(pid), () -> name + " (pid " + pid + ") still running");
    }

    private boolean backendAlive(int pid) {
        try (Connection c = DriverManager.getConnection(url);
                PreparedStatement s = c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE pid = ?")) {
            s.setInt(1, pid);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1) > 0;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** How many backends serve the bus's connections. */
    private int backends(PostgresChangeBus bus) {
        try (Connection c = DriverManager.getConnection(url);
                PreparedStatement s = c.prepareStatement(
                        "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE ?")) {
            s.setString(1, "trellis-changes-% " + bus.processId());
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void eachBusHearsTheOthersChangesInOrderButNotItsOwn() throws Exception {
        PostgresChangeBus a = bus(url);
        PostgresChangeBus b = bus(url);
        Recorder heardByA = listen(a);
        Recorder heardByB = listen(b);
        List<Change> fromA = List.of(new Change.NodeChanged(1), new Change.NodePatched(1),
                new Change.NodeOnline(1, true, null), new Change.UserChanged(3), new Change.PolicyChanged());
        List<Change> fromB = List.of(new Change.NodeOnline(1, false, Instant.parse("2026-11-25T10:00:00.5Z")),
                new Change.NodeRemoved(1), new Change.DnsChanged());

        fromA.forEach(a::publish);
        fromB.forEach(b::publish);

        assertThat(heardByB.awaitChanges(fromA.size())).containsExactlyElementsOf(fromA);
        assertThat(heardByA.awaitChanges(fromB.size())).containsExactlyElementsOf(fromB);
        Waits.until(() -> a.metrics().ownIgnored() > 0 && b.metrics().ownIgnored() > 0
                && a.metrics().published() == fromA.size() && b.metrics().published() == fromB.size(),
                () -> "own echoes: " + a.metrics() + " " + b.metrics());
        assertThat(heardByA.changes()).containsExactlyElementsOf(fromB);
        assertThat(heardByB.changes()).containsExactlyElementsOf(fromA);
        assertThat(a.metrics().received()).isEqualTo(fromB.size());
        assertThat(a.metrics()).extracting(ChangeBusMetrics::malformed, ChangeBusMetrics::resyncs,
                ChangeBusMetrics::reconnects, ChangeBusMetrics::publishFailures).containsOnly(0L);
        assertThat(a.metrics().connected()).isTrue();
    }

    @Test
    void aThousandChangesArriveAllAndInOrder() throws Exception {
        PostgresChangeBus a = bus(url);
        PostgresChangeBus b = bus(url);
        Recorder heard = listen(b);
        List<Change> sent = LongStream.rangeClosed(1, 1000).<Change>mapToObj(Change.NodeChanged::new).toList();

        long start = System.nanoTime();
        sent.forEach(a::publish);
        List<Change> got = heard.awaitChanges(sent.size());
        long elapsed = System.nanoTime() - start;

        assertThat(got).containsExactlyElementsOf(sent);
        Waits.until(() -> a.metrics().published() == 1000, () -> "published " + a.metrics());
        System.out.printf("1000 changes from one bus to another in %.1f ms%n", elapsed / 1e6);
    }

    @Test
    void latencyUnderNormalConditions() throws Exception {
        PostgresChangeBus a = bus(url);
        PostgresChangeBus b = bus(url);
        Recorder heard = listen(b);
        int rounds = 200;
        long[] micros = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            long sent = System.nanoTime();
            a.publish(new Change.NodePatched(i + 1));
            heard.awaitChanges(i + 1);
            micros[i] = (heard.arrival(i) - sent) / 1000;
        }
        Arrays.sort(micros);
        System.out.printf("publish-to-listener latency over %d changes: median %d µs, p99 %d µs, max %d µs%n",
                rounds, micros[rounds / 2], micros[rounds * 99 / 100], micros[rounds - 1]);
        assertThat(heard.changes()).hasSize(rounds);
    }

    @Test
    void aListenerWhoseConnectionIsTerminatedReconnectsResyncsAndHearsLaterChanges() throws Exception {
        PostgresChangeBus a = bus(url);
        PostgresChangeBus b = bus(url);
        Recorder heard = listen(b);
        a.publish(new Change.NodeChanged(1));
        heard.awaitChange(new Change.NodeChanged(1));

        terminate(b, "listen");

        heard.awaitResyncs(1);
        assertThat(b.metrics().reconnects()).isEqualTo(1);
        assertThat(b.metrics().connected()).isTrue();
        a.publish(new Change.NodeChanged(2));
        heard.awaitChange(new Change.NodeChanged(2));
        assertThat(heard.resyncs()).isEqualTo(1);
    }

    @Test
    void aPublisherWhoseConnectionIsTerminatedSendsAgainOnANewOne() throws Exception {
        PostgresChangeBus a = bus(url);
        PostgresChangeBus b = bus(url);
        Recorder heard = listen(b);
        a.publish(new Change.NodeChanged(1));
        heard.awaitChange(new Change.NodeChanged(1));

        terminate(a, "publish");
        a.publish(new Change.NodeChanged(2));
        a.publish(new Change.NodeChanged(3));

        heard.awaitChange(new Change.NodeChanged(3));
        assertThat(heard.changes()).containsExactly(
                new Change.NodeChanged(1), new Change.NodeChanged(2), new Change.NodeChanged(3));
        assertThat(a.metrics().publishFailures()).isEqualTo(1);
        assertThat(a.metrics().publishDropped()).isZero();
        assertThat(b.metrics().resyncs()).isZero();
    }

    @Test
    void aConnectionThatGoesSilentIsNoticedByTheHeartbeat() throws Exception {
        try (TcpProxy proxy = new TcpProxy(port(url))) {
            PostgresChangeBus a = PostgresChangeBus.start(
                    url.replace(":" + port(url) + "/", ":" + proxy.port() + "/"), FAST);
            try (a) {
                PostgresChangeBus b = bus(url);
                Recorder heardByA = listen(a);
                Recorder heardByB = listen(b);
                a.publish(new Change.NodeChanged(1));
                heardByB.awaitChange(new Change.NodeChanged(1));

                long frozen = System.nanoTime();
                proxy.freezeExisting();

                heardByA.awaitResyncs(1);
                System.out.printf("a silent listening connection was replaced after %d ms%n",
                        (System.nanoTime() - frozen) / 1_000_000);
                b.publish(new Change.NodeChanged(2));
                heardByA.awaitChange(new Change.NodeChanged(2));
                a.publish(new Change.NodeChanged(3)); // its publishing connection is silent too
                heardByB.awaitChange(new Change.NodeChanged(3));
                assertThat(a.metrics().reconnects()).isEqualTo(1);
                assertThat(a.metrics().publishFailures()).isEqualTo(1);
            }
        }
    }

    @Test
    void malformedPayloadsAreIgnoredAndCounted() throws Exception {
        PostgresChangeBus b = bus(url);
        Recorder heard = listen(b);
        Connection c = raw();
        String other = "00000000000000aa";

        for (String junk : List.of("", "garbage", "1 xyz n:1", "2 " + other + " n:1", "1 " + other + " n:0",
                "1 " + other + " n:1 n:x", "1 " + other + " ñ:1", "x".repeat(ChangeCodec.MAX_PAYLOAD_BYTES))) {
            notify(c, junk);
        }
        notify(c, "1 " + other + " teleport:9 n:5");

        heard.awaitChange(new Change.NodeChanged(5)); // notifications of one session arrive in order
        assertThat(heard.changes()).containsExactly(new Change.NodeChanged(5));
        assertThat(b.metrics().malformed()).isEqualTo(8);
        assertThat(b.metrics().unknownKinds()).isEqualTo(1);
        assertThat(b.metrics().received()).isEqualTo(1);
        assertThat(b.metrics().connected()).isTrue();
    }

    @Test
    void postgresTakesThePayloadSizeTheCodecAllowsAndNoMore() throws Exception {
        PostgresChangeBus b = bus(url);
        Recorder heard = listen(b);
        Connection c = raw();
        StringBuilder largest = new StringBuilder("1 00000000000000aa");
        int policies = 0;
        while (largest.length() + 2 <= ChangeCodec.MAX_PAYLOAD_BYTES) {
            largest.append(" p");
            policies++;
        }

        notify(c, largest.toString());
        assertThatThrownBy(() -> notify(c, "x".repeat(ChangeCodec.MAX_PAYLOAD_BYTES + 1)))
                .isInstanceOf(SQLException.class).hasMessageContaining("too long");

        assertThat(heard.awaitChanges(policies)).hasSize(policies).containsOnly(new Change.PolicyChanged());
    }

    @Test
    void changesDroppedWhileTheDatabaseIsUnreachableMakeReceiversResync() throws Exception {
        PostgresChangeBus b = bus(url);
        Recorder heard = listen(b);
        CountDownLatch reachable = new CountDownLatch(1);
        Counters counters = new Counters();
        NotifyPublisher publisher = new NotifyPublisher(PostgresChangeBus.CHANNEL, ChangeCodec.newProcessId(), role -> {
            try {
                reachable.await();
            } catch (InterruptedException e) {
                throw new SQLException("interrupted", e);
            }
            return DriverManager.getConnection(url);
        }, 5, new Backoff(Duration.ofMillis(10), Duration.ofMillis(100)), counters);
        publisher.start(); // it connects first, and waits there

        for (long id = 1; id <= 20; id++) {
            publisher.publish(new Change.NodeChanged(id));
        }
        reachable.countDown();

        heard.awaitChange(new Change.NodeChanged(20));
        heard.awaitResyncs(1);
        publisher.close(Duration.ofSeconds(2));
        assertThat(counters.publishDropped.get()).isEqualTo(15);
        assertThat(counters.published.get()).isEqualTo(5);
        assertThat(heard.changes()).containsExactlyElementsOf(
                LongStream.rangeClosed(16, 20).<Change>mapToObj(Change.NodeChanged::new).toList());
        assertThat(heard.resyncs()).isEqualTo(1);
    }

    @Test
    void aListenerThatThrowsNeitherStopsDeliveryNorOtherListeners() throws Exception {
        PostgresChangeBus a = bus(url);
        PostgresChangeBus b = bus(url);
        b.subscribe(new ChangeBus.Listener() {
            @Override
            public void changed(Change change) {
                throw new IllegalStateException("a bug in a listener");
            }

            @Override
            public void resync() {}
        });
        Recorder heard = listen(b);

        a.publish(new Change.UserChanged(1));
        a.publish(new Change.UserChanged(2));

        assertThat(heard.awaitChanges(2)).containsExactly(new Change.UserChanged(1), new Change.UserChanged(2));
        assertThat(b.metrics().listenerFailures()).isEqualTo(2);
    }

    @Test
    void closeSendsWhatIsQueuedThenStopsItsThreadsAndConnections() throws Exception {
        PostgresChangeBus a = PostgresChangeBus.start(url, FAST);
        PostgresChangeBus b = bus(url);
        Recorder heard = listen(b);
        String id = a.processId();
        Waits.until(() -> backends(a) == 2, () -> "the bus's two connections");
        assertThat(threadsNamedFor(id)).hasSize(2);

        a.publish(new Change.NodeChanged(1));
        a.close();

        heard.awaitChange(new Change.NodeChanged(1));
        assertThat(threadsNamedFor(id)).isEmpty();
        Waits.until(() -> backends(a) == 0, () -> "the bus's connections still open");
        assertThat(a.metrics().connected()).isFalse();
        a.publish(new Change.NodeChanged(2));
        assertThat(a.metrics().publishDropped()).isEqualTo(1);
        a.close(); // again: nothing happens
    }

    private static List<String> threadsNamedFor(String processId) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> n.startsWith("trellis-changes-") && n.endsWith(processId))
                .toList();
    }

    @Test
    void startFailsClearlyWhenTheDatabaseIsUnreachableWithoutShowingCredentials() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        String unreachable = "jdbc:postgresql://127.0.0.1:" + closedPort + "/trellis?user=u&password=hunter2";

        assertThatThrownBy(() -> PostgresChangeBus.start(unreachable, FAST))
                .isInstanceOf(ChangeBusException.class)
                .hasMessageContaining("cannot listen for cluster changes on PostgreSQL at jdbc:postgresql://127.0.0.1:"
                        + closedPort + "/trellis")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> PostgresChangeBus.start("jdbc:mysql://u:hunter2@127.0.0.1/x", FAST))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("hunter2");
    }

    private static int port(String jdbcUrl) {
        String rest = jdbcUrl.substring("jdbc:postgresql://127.0.0.1:".length());
        return Integer.parseInt(rest.substring(0, rest.indexOf('/')));
    }
}
