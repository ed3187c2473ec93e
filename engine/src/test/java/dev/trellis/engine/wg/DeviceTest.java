package dev.trellis.engine.wg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.protocol.key.PresharedKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** Two complete devices handshake and exchange packets over in-memory TUN and UDP fakes. */
class DeviceTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    static void await(BooleanSupplier cond, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    @Test
    void handshakeAndPacketsBothWays() throws Exception {
        try (DevicePair p = new DevicePair()) {
            byte[] ping = Packets.udp4("100.64.0.1", "100.64.0.2", "hello".getBytes(StandardCharsets.UTF_8));
            p.tunA.inject(ping);
            assertThat(p.tunB.awaitDelivered(WAIT)).isEqualTo(ping);

            byte[] pong = Packets.udp4("100.64.0.2", "100.64.0.1", "world!".getBytes(StandardCharsets.UTF_8));
            p.tunB.inject(pong);
            assertThat(p.tunA.awaitDelivered(WAIT)).isEqualTo(pong);

            byte[] v6 = Packets.udp6("fd7a:115c:a1e0::2", "fd7a:115c:a1e0::1", new byte[1000]);
            p.tunB.inject(v6);
            assertThat(p.tunA.awaitDelivered(WAIT)).isEqualTo(v6);

            PeerStatus sa = p.a.status().peers().getFirst();
            assertThat(sa.lastHandshake()).isPresent();
            assertThat(sa.txBytes()).isPositive();
            assertThat(sa.rxBytes()).isPositive();
        }
    }

    @Test
    void manyPacketsArriveInOrder() throws Exception {
        try (DevicePair p = new DevicePair()) {
            // establish the session first: while handshaking only the newest 128 packets are kept
            p.tunA.inject(Packets.udp4("100.64.0.1", "100.64.0.2", new byte[8]));
            assertThat(p.tunB.awaitDelivered(WAIT)).isNotNull();
            int n = 3000;
            for (int i = 0; i < n; i++) {
                byte[] payload = new byte[100 + (i % 1200)];
                payload[0] = (byte) (i >>> 8);
                payload[1] = (byte) i;
                p.tunA.inject(Packets.udp4("100.64.0.1", "100.64.0.2", payload));
            }
            for (int i = 0; i < n; i++) {
                byte[] got = p.tunB.awaitDelivered(WAIT);
                assertThat(got).as("packet %d", i).isNotNull();
                int seq = (got[28] & 0xff) << 8 | (got[29] & 0xff);
                assertThat(seq).as("order").isEqualTo(i & 0xffff);
            }
        }
    }

    @Test
    void presharedKeyMustMatch() throws Exception {
        PresharedKey psk = PresharedKey.generate();
        try (DevicePair ok = new DevicePair(psk, psk)) {
            byte[] ping = Packets.udp4("100.64.0.1", "100.64.0.2", new byte[10]);
            ok.tunA.inject(ping);
            assertThat(ok.tunB.awaitDelivered(WAIT)).isEqualTo(ping);
        }
        try (DevicePair bad = new DevicePair(psk, PresharedKey.generate())) {
            bad.tunA.inject(Packets.udp4("100.64.0.1", "100.64.0.2", new byte[10]));
            await(() -> bad.a.counters().snapshot().get("handshake_failed") > 0, "initiator rejecting the response");
            assertThat(bad.tunB.awaitDelivered(Duration.ofMillis(300))).isNull();
        }
    }

    @Test
    void packetFromDisallowedSourceIsDropped() throws Exception {
        try (DevicePair p = new DevicePair()) {
            p.tunA.inject(Packets.udp4("100.64.0.1", "100.64.0.2", new byte[8]));
            assertThat(p.tunB.awaitDelivered(WAIT)).isNotNull();
            // A claims a source address that B routes elsewhere (nowhere): dropped and counted.
            p.tunA.inject(Packets.udp4("100.64.0.99", "100.64.0.2", new byte[8]));
            await(() -> p.b.counters().snapshot().get("disallowed_source") == 1, "disallowed source count");
            assertThat(p.tunB.deliveredPending()).isZero();
        }
    }

    @Test
    void replayedTransportPacketIsDropped() throws Exception {
        try (DevicePair p = new DevicePair()) {
            CopyOnWriteArrayList<dev.trellis.engine.conn.ChannelNetwork.Datagram> seen = new CopyOnWriteArrayList<>();
            p.net.setFilter(d -> {
                if (d.data()[0] == Messages.TYPE_TRANSPORT && d.data().length > 32) {
                    seen.add(d);
                }
                return true;
            });
            p.tunA.inject(Packets.udp4("100.64.0.1", "100.64.0.2", new byte[40]));
            assertThat(p.tunB.awaitDelivered(WAIT)).isNotNull();
            await(() -> !seen.isEmpty(), "a captured data packet");
            var d = seen.getFirst();
            p.net.inject(d.from(), d.to(), d.data());
            await(() -> p.b.counters().snapshot().get("replayed") == 1, "replay counted");
            assertThat(p.tunB.awaitDelivered(Duration.ofMillis(200))).isNull();
        }
    }

    @Test
    void removingThePeerStopsTraffic() throws Exception {
        try (DevicePair p = new DevicePair()) {
            p.tunA.inject(Packets.udp4("100.64.0.1", "100.64.0.2", new byte[8]));
            assertThat(p.tunB.awaitDelivered(WAIT)).isNotNull();
            p.a.apply(new DeviceUpdate(java.util.Optional.empty(), java.util.OptionalInt.empty(),
                    java.util.OptionalInt.empty(), true, java.util.List.of()));
            assertThat(p.a.status().peers()).isEmpty();
            p.tunA.inject(Packets.udp4("100.64.0.1", "100.64.0.2", new byte[8]));
            await(() -> p.a.counters().snapshot().get("no_route") == 1, "no route counted");
            assertThat(p.tunB.awaitDelivered(Duration.ofMillis(200))).isNull();
        }
    }
}
