package dev.trellis.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.protocol.http.Http1Client;
import dev.trellis.protocol.http.HttpResult;
import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.relay.PeerGoneReason;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RelayTest {
    private Relay relay;

    private Relay start(RelayConfig config) throws Exception {
        relay = Relay.start(NodePrivateKey.generate(), config, new InetSocketAddress("127.0.0.1", 0), null);
        return relay;
    }

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.close();
        }
    }

    @Test
    void twoNodesExchangePacketsIntactAndInOrder() throws Exception {
        start(RelayConfig.defaults());
        try (TestNode a = TestNode.connect(relay.url()); TestNode b = TestNode.connect(relay.url())) {
            assertThat(a.client.serverKey()).isEqualTo(relay.publicKey());
            Await.until("both attached", () -> relay.isAttached(a.pub()) && relay.isAttached(b.pub()));
            for (int i = 0; i < 300; i++) {
                assertThat(a.send(b, packet(i, 1 + i * 7))).isTrue();
                assertThat(b.send(a, packet(i, 1400))).isTrue();
            }
            for (int i = 0; i < 300; i++) {
                TestNode.Packet atB = b.next();
                assertThat(atB.src()).isEqualTo(a.pub());
                assertThat(atB.bytes()).isEqualTo(packet(i, 1 + i * 7));
                TestNode.Packet atA = a.next();
                assertThat(atA.src()).isEqualTo(b.pub());
                assertThat(atA.bytes()).isEqualTo(packet(i, 1400));
            }
            // the largest packet, too
            byte[] big = packet(7, 64 * 1024);
            a.client.send(b.pub(), ByteBuffer.wrap(big));
            assertThat(b.next().bytes()).isEqualTo(big);
            assertThat(relay.metrics().packetsForwarded()).isEqualTo(601);
        }
    }

    @Test
    void aSenderLearnsWhenItsPeerIsUnknownOrGoes() throws Exception {
        start(RelayConfig.defaults());
        try (TestNode a = TestNode.connect(relay.url()); TestNode b = TestNode.connect(relay.url())) {
            var stranger = NodePrivateKey.generate().publicKey();
            a.client.send(stranger, ByteBuffer.wrap(new byte[] {1}));
            a.client.send(stranger, ByteBuffer.wrap(new byte[] {2}));
            assertThat(a.nextGone()).isEqualTo(new TestNode.Gone(stranger, PeerGoneReason.NEVER_HERE));
            assertThat(relay.metrics().drops(RelayMetrics.Drop.UNKNOWN_DEST)).isEqualTo(2);

            a.send(b, new byte[] {3});
            b.next();
            b.close();
            assertThat(a.nextGone()).isEqualTo(new TestNode.Gone(b.pub(), PeerGoneReason.DISCONNECTED));
            // the second "never here" to the stranger was rate-limited away
            assertThat(a.gone).isEmpty();
        }
    }

    @Test
    void theNewestConnectionForAKeyWins() throws Exception {
        start(RelayConfig.defaults());
        NodePrivateKey shared = NodePrivateKey.generate();
        try (TestNode first = TestNode.connect(relay.url(), shared, true);
                TestNode b = TestNode.connect(relay.url())) {
            Await.until("first attached", () -> relay.isAttached(shared.publicKey()));
            try (TestNode second = TestNode.connect(relay.url(), shared, true)) {
                assertThat(first.closed.get(20, java.util.concurrent.TimeUnit.SECONDS)).isNotNull();
                assertThat(relay.metrics().duplicateClients()).isEqualTo(1);
                b.client.send(shared.publicKey(), ByteBuffer.wrap(new byte[] {42}));
                assertThat(second.next().bytes()).containsExactly(42);
                assertThat(relay.isAttached(shared.publicKey())).isTrue();
                assertThat(b.gone).isEmpty(); // the key never left
            }
        }
    }

    @Test
    void aClientBeyondItsRateIsDroppedAndCounted() throws Exception {
        start(RelayConfig.defaults().withRate(10_000, 10_000));
        try (TestNode a = TestNode.connect(relay.url()); TestNode b = TestNode.connect(relay.url())) {
            assertThat(a.client.serverInfo().rateBytesPerSecond()).isEqualTo(10_000);
            for (int i = 0; i < 50; i++) {
                a.send(b, new byte[1000]);
            }
            Await.until("all 50 accounted for", () -> b.received.get()
                    + relay.metrics().drops(RelayMetrics.Drop.RATE_LIMITED) == 50);
            assertThat(relay.metrics().drops(RelayMetrics.Drop.RATE_LIMITED)).isGreaterThanOrEqualTo(30);
            assertThat(b.received.get()).isGreaterThanOrEqualTo(10);
        }
    }

    @Test
    void healthMetricsAndMalformedUpgrades() throws Exception {
        start(RelayConfig.defaults().withRegion("fra"));
        try (Http1Client http = Http1Client.tcp(relay.url(), null, Duration.ofSeconds(5))) {
            HttpResult health = http.send("GET", "/health", Map.of(), null);
            assertThat(health.status()).isEqualTo(200);
            assertThat(new String(health.body(), StandardCharsets.UTF_8)).contains("ok", "fra");
            // a plain GET, and an upgrade to something else, are refused with 400
            assertThat(http.send("GET", "/relay", Map.of(), null).status()).isEqualTo(400);
            assertThat(http.send("GET", "/relay", Map.of("Upgrade-Insecure-Requests", "1"), null).status()).isEqualTo(400);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> http.upgrade("/relay", "websocket", Map.of()))
                    .hasMessageContaining("400");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> http.upgrade("/elsewhere", "trellis-relay", Map.of()))
                    .hasMessageContaining("404");
            String metrics = new String(http.send("GET", "/metrics", Map.of(), null).body(), StandardCharsets.UTF_8);
            assertThat(metrics).contains("trellis_relay_clients{region=\"fra\"} 0",
                    "trellis_relay_packets_dropped_total{region=\"fra\",reason=\"queue_full\"} 0",
                    "trellis_relay_auth_failures_total{region=\"fra\",reason=\"bad_proof\"} 0",
                    "trellis_relay_mesh_peers{region=\"fra\"} 0");
        }
    }

    static byte[] packet(int seq, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (seq * 31 + i);
        }
        return b;
    }
}
