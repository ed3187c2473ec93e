package dev.trellis.engine.netcheck;

import static dev.trellis.engine.netcheck.Maps.map;
import static dev.trellis.engine.netcheck.Maps.region;
import static dev.trellis.engine.netcheck.Maps.relay;
import static dev.trellis.engine.netcheck.NetcheckTest.CLOCK;
import static dev.trellis.engine.netcheck.NetcheckTest.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trellis.engine.testing.Await;
import dev.trellis.protocol.control.RelayMap;
import dev.trellis.protocol.stun.TransactionId;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** When STUN stays silent: TCP to the relays, deadlines, no leaked transactions, interrupts, bad input. */
class NetcheckFallbackTest {
    /** STUN for 200 ms (tries at 0, 50, 100 ms), TCP until 800 ms. */
    private static final Netcheck.Options SHORT = new Netcheck.Options(Duration.ofMillis(800), Duration.ofMillis(200),
            List.of(Duration.ZERO, Duration.ofMillis(50), Duration.ofMillis(100)));

    private static InetAddress loopback() throws IOException {
        return InetAddress.getByName("127.0.0.1");
    }

    /** A TCP port on 127.0.0.1 that refuses connections (it was free a moment ago). */
    private static int refusingPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, loopback())) {
            return s.getLocalPort();
        }
    }

    /**
     * A listener whose accept queue is full, so that the kernel drops further SYNs: connects to it
     * hang until their timeout, like a relay behind a black-holing firewall. {@code fillers} keep
     * the queue full.
     */
    private static ServerSocket blackHole(List<Socket> fillers) throws IOException {
        ServerSocket s = new ServerSocket(0, 1, loopback());
        for (int i = 0; i < 32; i++) {
            Socket c = new Socket();
            try {
                c.connect(s.getLocalSocketAddress(), 200);
                fillers.add(c);
            } catch (SocketTimeoutException e) {
                c.close();
                return s;
            }
        }
        s.close();
        throw new AssertionError("the accept queue never filled");
    }

    @Test
    void withUdpBlockedTheRegionIsMeasuredByTcpAndStillChosen() throws Exception {
        ScriptedStunPort silent = new ScriptedStunPort();
        try (ServerSocket relay = new ServerSocket(0, 50, loopback())) {
            RelayMap relays = map(region(1, relay("r1", "127.0.0.1", relay.getLocalPort(), 3478)));

            NetReport r = new Netcheck(silent, CLOCK, SHORT).run(relays);

            assertThat(r.udp()).isFalse();
            assertThat(r.regionLatency()).containsOnlyKeys(1);
            assertThat(r.regionV4Latency()).isEmpty();
            assertThat(r.globalV4()).isNull();
            assertThat(r.mappingVariesByDestIp()).isNull();
            assertThat(r.preferredRegion()).isEqualTo(1);
            assertThat(r.describe(relays)).contains("UDP: false").last().asString().endsWith("(TCP)");
            // Three tries, then every one of them cancelled.
            assertThat(silent.requests()).hasSize(3);
            assertThat(silent.allSettled()).isTrue();
        }
    }

    @Test
    void aRelayWithoutStunIsMeasuredByTcpWithoutWaitingForStun() throws Exception {
        ScriptedStunPort port = new ScriptedStunPort();
        Netcheck.Options slowStun = new Netcheck.Options(Duration.ofSeconds(60), Duration.ofSeconds(50),
                List.of(Duration.ZERO));
        try (ServerSocket relay = new ServerSocket(0, 50, loopback())) {
            RelayMap relays = map(region(7, relay("r7", "127.0.0.1", relay.getLocalPort(), 0)));

            // Well before the 50 s STUN timeout: nothing in this region has STUN to wait for.
            NetReport r = start(new Netcheck(port, CLOCK, slowStun), relays).get(20, TimeUnit.SECONDS);

            assertThat(port.requests()).isEmpty();
            assertThat(r.regionLatency()).containsOnlyKeys(7);
            assertThat(r.preferredRegion()).isEqualTo(7);
        }
    }

    @Test
    void withNothingReachableThereIsNoHomeAndTheRunEndsAtItsDeadline() throws Exception {
        ScriptedStunPort silent = new ScriptedStunPort();
        List<Socket> fillers = new ArrayList<>();
        try (ServerSocket hole = blackHole(fillers)) {
            RelayMap relays = map(region(1, relay("r1", "127.0.0.1", hole.getLocalPort(), 3478)),
                    region(2, relay("r2", "127.0.0.2", refusingPort(), 3478)));

            long t0 = System.nanoTime();
            NetReport r = new Netcheck(silent, CLOCK, SHORT).run(relays);
            Duration took = Duration.ofNanos(System.nanoTime() - t0);

            assertThat(r.udp()).isFalse();
            assertThat(r.regionLatency()).isEmpty();
            assertThat(r.preferredRegion()).isZero();
            assertThat(r.describe()).contains("Nearest relay: (none reachable)");
            // It waited for the black hole until the deadline, and not much longer.
            assertThat(took).isBetween(Duration.ofMillis(700), SHORT.timeout().plusSeconds(2));
            assertThat(silent.allSettled()).isTrue();
        } finally {
            for (Socket s : fillers) {
                s.close();
            }
        }
    }

    @Test
    void unansweredTriesUseFreshTransactionIdsAndLeaveNoWaiters() throws Exception {
        // A whole second for three tries at 0, 50 and 100 ms: all of them go out even on a busy machine.
        Netcheck.Options options = new Netcheck.Options(Duration.ofSeconds(2), Duration.ofSeconds(1),
                List.of(Duration.ZERO, Duration.ofMillis(50), Duration.ofMillis(100)));
        try (DatagramChannel stunHole = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
                DatagramStunPort port = DatagramStunPort.open(new InetSocketAddress("127.0.0.1", 0))) {
            int stunPort = ((InetSocketAddress) stunHole.getLocalAddress()).getPort();
            RelayMap relays = map(region(1, relay("r1", "127.0.0.1", refusingPort(), stunPort)));

            NetReport r = new Netcheck(port, CLOCK, options).run(relays);

            assertThat(r.preferredRegion()).isZero();
            assertThat(port.waiters().pending()).isZero();
            stunHole.configureBlocking(false);
            Set<TransactionId> ids = new HashSet<>();
            ByteBuffer in = ByteBuffer.allocate(1500);
            Await.until(() -> {
                try {
                    while (stunHole.receive(in.clear()) != null) {
                        ids.add(TransactionId.read(in.array(), 8));
                    }
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
                return ids.size() >= 3;
            }, "three requests with distinct transaction ids arrive");
            assertThat(ids).hasSize(3);
        }
    }

    @Test
    void interruptingARunStopsItAndCancelsItsTransactions() throws Exception {
        ScriptedStunPort silent = new ScriptedStunPort();
        Netcheck.Options slow = new Netcheck.Options(Duration.ofSeconds(60), Duration.ofSeconds(50),
                List.of(Duration.ZERO));
        Netcheck netcheck = new Netcheck(silent, CLOCK, slow);
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread runner = Thread.ofVirtual().start(() -> {
            try {
                netcheck.run(map(region(1, relay("r1", "127.0.0.1", 443, 3478))));
                outcome.complete(null);
            } catch (Throwable e) {
                outcome.complete(e);
            }
        });
        silent.awaitRequests(new InetSocketAddress("127.0.0.1", 3478));

        runner.interrupt();

        assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        assertThat(silent.allSettled()).isTrue();
        assertThat(netcheck.lastReport()).isEmpty();
    }

    @Test
    void anEmptyMapGivesAnEmptyReportAtOnce() throws Exception {
        NetReport r = new Netcheck(new ScriptedStunPort(), CLOCK, SHORT).run(RelayMap.EMPTY);

        assertThat(r.udp()).isFalse();
        assertThat(r.regionLatency()).isEmpty();
        assertThat(r.preferredRegion()).isZero();
    }

    @Test
    void anInvalidMapIsRefusedWithTheReason() {
        RelayMap bad = map(region(0, relay("r", "127.0.0.1", 443, 3478)));
        assertThatThrownBy(() -> new Netcheck(new ScriptedStunPort(), CLOCK, SHORT).run(bad))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("region 0");
    }

    @Test
    void optionsAreChecked() {
        Duration s = Duration.ofSeconds(1);
        assertThatThrownBy(() -> new Netcheck.Options(Duration.ZERO, s, List.of(Duration.ZERO)))
                .hasMessageContaining("timeout must be positive");
        assertThatThrownBy(() -> new Netcheck.Options(s, s.plusMillis(1), List.of(Duration.ZERO)))
                .hasMessageContaining("at most the timeout");
        assertThatThrownBy(() -> new Netcheck.Options(s, s, List.of()))
                .hasMessageContaining("at least one");
        assertThatThrownBy(() -> new Netcheck.Options(s, s, List.of(Duration.ZERO, Duration.ZERO)))
                .hasMessageContaining("must increase");
        assertThatThrownBy(() -> new Netcheck.Options(s, s, List.of(Duration.ZERO, s)))
                .hasMessageContaining("before the STUN timeout");
        assertThat(Netcheck.Options.DEFAULT.timeout()).isEqualTo(Duration.ofSeconds(3));
    }
}
