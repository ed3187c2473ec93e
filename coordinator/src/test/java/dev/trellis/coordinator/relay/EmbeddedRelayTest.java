package dev.trellis.coordinator.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trellis.coordinator.Coordinator;
import dev.trellis.coordinator.CoordinatorConfig;
import dev.trellis.coordinator.CoordinatorConfig.EmbeddedRelaySettings;
import dev.trellis.coordinator.admin.TestNodes;
import dev.trellis.coordinator.store.NewUser;
import dev.trellis.coordinator.store.Node;
import dev.trellis.coordinator.store.Store;
import dev.trellis.coordinator.store.Stores;
import dev.trellis.protocol.control.MapResponse;
import dev.trellis.protocol.control.RelayMap;
import dev.trellis.protocol.http.Http1Client;
import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.key.NodePublicKey;
import dev.trellis.protocol.relay.RelayClient;
import dev.trellis.protocol.relay.RelayClientOptions;
import dev.trellis.protocol.relay.RelayListener;
import dev.trellis.protocol.stun.StunClient;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve --embedded-relay}: the relay protocol on the coordinator's port, STUN, and its region in the map. */
class EmbeddedRelayTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final RelayMap CONFIGURED = new RelayMap(List.of(new RelayMap.Region(1, "lab", "Lab", List.of(
            new RelayMap.Relay("lab1", "198.18.0.10", "198.18.0.10", null, 443, 3478, false)))));

    @TempDir
    Path dataDir;

    private Coordinator coordinator;

    @AfterEach
    void stop() {
        if (coordinator != null) {
            coordinator.close();
        }
    }

    private Coordinator start(RelayMap configured) throws Exception {
        CoordinatorConfig d = CoordinatorConfig.defaults(dataDir);
        coordinator = Coordinator.start(new CoordinatorConfig(new InetSocketAddress("127.0.0.1", 0), null, dataDir, null,
                null, null, "trellis.test", d.nodeKeyExpiry(), d.ephemeralTimeout(), d.keepAlive(), null, configured,
                new EmbeddedRelaySettings(new InetSocketAddress("127.0.0.1", 0))));
        return coordinator;
    }

    /** A node on a relay: what arrives, by sender. */
    record Arrival(NodePublicKey src, byte[] packet) {}

    private static RelayClient node(URI relay, NodePrivateKey key, LinkedBlockingQueue<Arrival> inbox) throws Exception {
        return RelayClient.connect(relay, key, RelayClientOptions.defaults(),
                (RelayListener) (src, packet) -> inbox.add(new Arrival(src, packet)));
    }

    @Test
    void twoNodesExchangePacketsThroughTheCoordinatorsPort() throws Exception {
        start(RelayMap.EMPTY);
        URI url = coordinator.serverUrl();
        NodePrivateKey ka = NodePrivateKey.generate();
        NodePrivateKey kb = NodePrivateKey.generate();
        LinkedBlockingQueue<Arrival> atA = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<Arrival> atB = new LinkedBlockingQueue<>();
        try (RelayClient a = node(url, ka, atA); RelayClient b = node(url, kb, atB)) {
            assertThat(a.serverKey()).isEqualTo(coordinator.embeddedRelay().orElseThrow().service().publicKey());
            for (int i = 0; i < 100; i++) {
                assertThat(a.send(kb.publicKey(), ByteBuffer.wrap(packet(i, 1200)))).isTrue();
                assertThat(b.send(ka.publicKey(), ByteBuffer.wrap(packet(i, 300)))).isTrue();
            }
            for (int i = 0; i < 100; i++) {
                Arrival x = atB.poll(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
                assertThat(x).as("packet %d at b", i).isNotNull();
                assertThat(x.src()).isEqualTo(ka.publicKey());
                assertThat(x.packet()).isEqualTo(packet(i, 1200));
                Arrival y = atA.poll(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
                assertThat(y).as("packet %d at a", i).isNotNull();
                assertThat(y.packet()).isEqualTo(packet(i, 300));
            }
            try (Http1Client http = Http1Client.tcp(url, null, Duration.ofSeconds(5))) {
                String metrics = new String(http.send("GET", "/metrics", Map.of(), null).body(), StandardCharsets.UTF_8);
                assertThat(metrics).contains("trellis_coordinator_nodes ",
                        "trellis_relay_clients{region=\"embedded\"} 2",
                        "trellis_relay_packets_forwarded_total{region=\"embedded\"} 200",
                        "trellis_relay_queue_budget_bytes{region=\"embedded\"} " + EmbeddedRelay.QUEUE_BUDGET);
                // the rest of the port is still the coordinator's
                assertThat(http.send("GET", "/health", Map.of(), null).status()).isEqualTo(200);
            }
        }
    }

    @Test
    void theServedMapHasTheEmbeddedRegionWhereNodesReachRelayAndStun() throws Exception {
        long nodeId;
        try (Store store = Stores.open(null, dataDir)) { // a node, so the hub sends someone a full map
            Node n = TestNodes.register(store, store.createUser(NewUser.local("alice", "Alice", null)).id(), "alpha");
            nodeId = n.id();
        }
        start(CONFIGURED);
        RelayMap served = coordinator.relayMap();
        assertThat(served.region(1)).as("the configured region stays").isPresent();
        RelayMap.Region region = served.region(EmbeddedRelay.REGION_ID).orElseThrow();
        assertThat(region.code()).isEqualTo("embedded");
        RelayMap.Relay relay = region.relays().getFirst();
        int port = coordinator.serverUrl().getPort();
        int stunPort = coordinator.embeddedRelay().orElseThrow().stunAddress().getPort();
        assertThat(relay).isEqualTo(new RelayMap.Relay("embedded", "127.0.0.1", "127.0.0.1", null, port, stunPort, true));

        // what a node's map stream carries
        LinkedBlockingQueue<MapResponse> maps = new LinkedBlockingQueue<>();
        coordinator.tailnet().hub().open(nodeId, 1, r -> maps.add(r.toResponse())).orElseThrow();
        MapResponse first = maps.poll(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(first).isNotNull();
        assertThat(first.relayMap()).isEqualTo(served);

        // a node dialing what the map says: STUN answers, and the relay protocol works
        try (DatagramChannel udp = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            InetSocketAddress mapped = StunClient.probe(udp, new InetSocketAddress(relay.ipv4(), relay.stunPort()),
                    Duration.ofSeconds(5));
            assertThat(mapped).as("what STUN saw").isEqualTo(udp.getLocalAddress());
        }
        URI fromMap = URI.create((relay.insecureForTests() ? "http" : "https") + "://" + relay.ipv4() + ":"
                + relay.relayPort());
        try (RelayClient c = node(fromMap, NodePrivateKey.generate(), new LinkedBlockingQueue<>())) {
            assertThat(c.serverInfo().accepted()).isTrue();
        }
    }

    @Test
    void theRelayKeyIsKeptInTheDataDirectory() throws Exception {
        NodePublicKey first;
        try (EmbeddedRelay r = EmbeddedRelay.open(dataDir)) {
            first = r.service().publicKey();
        }
        Path keyFile = dataDir.resolve(EmbeddedRelay.KEY_FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        try (EmbeddedRelay r = EmbeddedRelay.open(dataDir)) {
            assertThat(r.service().publicKey()).isEqualTo(first);
        }
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> EmbeddedRelay.open(dataDir)).hasMessageContaining("chmod 600");
    }

    @Test
    void theRegionPointsAtTheServerUrl() throws Exception {
        try (EmbeddedRelay r = EmbeddedRelay.open(dataDir)) {
            assertThat(r.region(URI.create("https://vpn.example.com")).relays().getFirst())
                    .isEqualTo(new RelayMap.Relay("embedded", "vpn.example.com", null, null, 443, 0, false));
            assertThat(r.region(URI.create("http://[::1]:8080")).relays().getFirst())
                    .isEqualTo(new RelayMap.Relay("embedded", "::1", null, "::1", 8080, 0, true));
            assertThat(r.region(URI.create("http://198.18.0.1")).relays().getFirst().relayPort()).isEqualTo(80);
            assertThatThrownBy(() -> r.region(URI.create("https://example.com/trellis")))
                    .hasMessageContaining("must not have a path");
        }
    }

    @Test
    void aRelayMapThatAlreadyUsesTheRegionIdOrNameIsAStartupError() {
        RelayMap clash = new RelayMap(List.of(new RelayMap.Region(EmbeddedRelay.REGION_ID, "mine", "Mine", List.of(
                new RelayMap.Relay("mine1", "198.18.0.10", null, null, 443, 0, false)))));
        assertThatThrownBy(() -> start(clash)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("region 900").hasMessageContaining("another ID");
        RelayMap nameClash = new RelayMap(List.of(new RelayMap.Region(5, "mine", "Mine", List.of(
                new RelayMap.Relay("embedded", "198.18.0.10", null, null, 443, 0, false)))));
        assertThatThrownBy(() -> start(nameClash)).hasMessageContaining("relay named \"embedded\"");
        assertThat(Files.exists(dataDir.resolve(EmbeddedRelay.KEY_FILE))).as("refused before starting anything").isFalse();
    }

    private static byte[] packet(int seq, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (seq * 31 + i);
        }
        return b;
    }
}
