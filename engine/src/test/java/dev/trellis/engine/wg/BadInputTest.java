package dev.trellis.engine.wg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.engine.conn.ChannelNetwork.Datagram;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Malformed, forged, replayed and flooding input is dropped and counted; nothing crashes, and
 * the tunnel keeps working afterwards.
 */
class BadInputTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private static long count(Device d, String name) {
        Map<String, Long> m = d.counters().snapshot();
        return m.get(name);
    }

    /** Establishes the session and records every datagram A sends. */
    private static CopyOnWriteArrayList<Datagram> establish(DevicePair p) throws Exception {
        CopyOnWriteArrayList<Datagram> fromA = new CopyOnWriteArrayList<>();
        p.net.setFilter(d -> {
            if (d.from().equals(p.bindA.localAddress())) {
                fromA.add(d);
            }
            return true;
        });
        p.tunA.inject(Packets.udp4("100.64.0.1", "100.64.0.2", new byte[64]));
        assertThat(p.tunB.awaitDelivered(WAIT)).isNotNull();
        return fromA;
    }

    private static Datagram firstData(CopyOnWriteArrayList<Datagram> sent) throws InterruptedException {
        DeviceTest.await(() -> sent.stream().anyMatch(d -> d.data()[0] == Messages.TYPE_TRANSPORT && d.data().length > 32),
                "a data packet");
        return sent.stream().filter(d -> d.data()[0] == Messages.TYPE_TRANSPORT && d.data().length > 32).findFirst()
                .orElseThrow();
    }

    @Test
    void malformedDatagramsAreCountedAndDropped() throws Exception {
        try (DevicePair p = new DevicePair()) {
            establish(p);
            var from = p.bindA.localAddress();
            var to = p.bindB.localAddress();
            p.net.inject(from, to, new byte[] {4, 0, 0});                        // truncated header
            p.net.inject(from, to, new byte[] {4, 0, 0, 0, 1, 2, 3, 4, 0, 0});    // truncated transport
            p.net.inject(from, to, new byte[] {9, 0, 0, 0, 0, 0, 0, 0});          // unknown type
            p.net.inject(from, to, new byte[] {1, 1, 0, 0});                      // reserved bytes set
            p.net.inject(from, to, new byte[147]);                                // initiation, one byte short
            byte[] wrongSize = new byte[149];
            wrongSize[0] = Messages.TYPE_INITIATION;
            p.net.inject(from, to, wrongSize);
            p.net.inject(from, to, new byte[0]);
            DeviceTest.await(() -> count(p.b, "malformed") == 7, "7 malformed datagrams counted");

            byte[] unknownIndex = new byte[64];
            unknownIndex[0] = Messages.TYPE_TRANSPORT;
            unknownIndex[4] = 0x55;
            p.net.inject(from, to, unknownIndex);
            DeviceTest.await(() -> count(p.b, "unknown_receiver") == 1, "unknown receiver counted");

            byte[] oversized = new byte[70_000];
            oversized[0] = Messages.TYPE_TRANSPORT;
            p.net.inject(from, to, oversized);
            DeviceTest.await(() -> count(p.b, "unknown_receiver") + count(p.b, "malformed") == 9, "oversized counted");

            // the tunnel still works
            byte[] ping = Packets.udp4("100.64.0.1", "100.64.0.2", new byte[10]);
            p.tunA.inject(ping);
            assertThat(p.tunB.awaitDelivered(WAIT)).isEqualTo(ping);
        }
    }

    @Test
    void forgedTransportPacketFailsAuthentication() throws Exception {
        try (DevicePair p = new DevicePair()) {
            Datagram d = firstData(establish(p));
            byte[] forged = d.data().clone();
            forged[forged.length - 20] ^= 1; // a ciphertext bit
            forged[8] = 0x7f;                // a fresh counter, so the replay window is not what rejects it
            p.net.inject(d.from(), d.to(), forged);
            DeviceTest.await(() -> count(p.b, "decrypt_failed") == 1, "forged packet counted");
            assertThat(p.tunB.awaitDelivered(Duration.ofMillis(200))).isNull();
        }
    }

    @Test
    void staleCounterBehindTheWindowIsRejected() throws Exception {
        try (DevicePair p = new DevicePair()) {
            Datagram first = firstData(establish(p));
            for (int i = 0; i < ReplayFilter.WINDOW + 200; i++) {
                p.tunA.inject(Packets.udp4("100.64.0.1", "100.64.0.2", new byte[1]));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            int got = 0;
            while (got < ReplayFilter.WINDOW && System.nanoTime() < deadline) {
                if (p.tunB.awaitDelivered(Duration.ofSeconds(1)) != null) {
                    got++;
                }
            }
            p.net.inject(first.from(), first.to(), first.data());
            DeviceTest.await(() -> count(p.b, "replayed") == 1, "stale packet counted as replay");
        }
    }

    @Test
    void handshakeFloodTurnsOnCookiesAndTheRealPeerStillConnects() throws Exception {
        try (DevicePair p = new DevicePair()) {
            CopyOnWriteArrayList<Datagram> fromA = new CopyOnWriteArrayList<>();
            p.net.setFilter(d -> {
                if (d.from().equals(p.bindA.localAddress()) && d.data()[0] == Messages.TYPE_INITIATION) {
                    fromA.add(d);
                }
                return true;
            });
            p.tunA.inject(Packets.udp4("100.64.0.1", "100.64.0.2", new byte[8]));
            assertThat(p.tunB.awaitDelivered(WAIT)).isNotNull();
            Datagram init = fromA.getFirst();
            // A burst of copies of a valid initiation: the queue fills, B is under load and
            // answers with cookies instead of doing Diffie-Hellman for each.
            for (int i = 0; i < 2000; i++) {
                p.net.inject(init.from(), init.to(), init.data());
            }
            DeviceTest.await(() -> count(p.b, "cookie_replies_sent") > 0, "cookie replies under load");
            DeviceTest.await(() -> count(p.a, "cookie_replies_accepted") > 0, "A took a cookie");
            // the session still carries traffic
            byte[] ping = Packets.udp4("100.64.0.1", "100.64.0.2", new byte[12]);
            p.tunA.inject(ping);
            assertThat(p.tunB.awaitDelivered(WAIT)).isEqualTo(ping);
        }
    }

    @Test
    void underForcedLoadAnInitiatorNeedsItsCookieToGetThrough() throws Exception {
        try (DevicePair p = new DevicePair()) {
            p.b.handshakes().forceUnderLoad = true;
            p.tunA.inject(Packets.udp4("100.64.0.1", "100.64.0.2", new byte[8]));
            DeviceTest.await(() -> count(p.a, "cookie_replies_accepted") == 1, "A took the cookie");
            // A's retry (after REKEY_TIMEOUT) carries MAC2 and is accepted
            assertThat(p.tunB.awaitDelivered(Duration.ofSeconds(12))).isNotNull();
        }
    }
}
