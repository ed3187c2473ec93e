package dev.trellis.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.protocol.key.NodePrivateKey;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Two relays of a region in one JVM: nodes on different relays reach each other through the mesh. */
class MeshTest {
    private static final byte[] SECRET = "a region secret, long enough".getBytes(StandardCharsets.UTF_8);

    @Test
    void packetsCrossTheMeshBothWays() throws Exception {
        int p1 = freePort();
        int p2 = freePort();
        URI u1 = URI.create("http://127.0.0.1:" + p1);
        URI u2 = URI.create("http://127.0.0.1:" + p2);
        try (Relay r1 = Relay.start(NodePrivateKey.generate(), RelayConfig.defaults().withMesh(SECRET, List.of(u2, u1)),
                        new InetSocketAddress("127.0.0.1", p1), null);
                Relay r2 = Relay.start(NodePrivateKey.generate(), RelayConfig.defaults().withMesh(SECRET, List.of(u1)),
                        new InetSocketAddress("127.0.0.1", p2), null);
                TestNode a = TestNode.connect(r1.url());
                TestNode b = TestNode.connect(r2.url())) {
            // r1 lists itself too: it must notice and not link to itself
            Await.until("meshed", () -> r1.metrics().meshPeers() == 1 && r2.metrics().meshPeers() == 1);
            Await.until("each knows the other's node", () -> r1.meshKnows(b.pub()) && r2.meshKnows(a.pub()));
            for (int i = 0; i < 100; i++) {
                a.send(b, RelayTest.packet(i, 300));
                b.send(a, RelayTest.packet(i, 200));
            }
            for (int i = 0; i < 100; i++) {
                TestNode.Packet atB = b.next();
                assertThat(atB.src()).isEqualTo(a.pub());
                assertThat(atB.bytes()).isEqualTo(RelayTest.packet(i, 300));
                assertThat(a.next().bytes()).isEqualTo(RelayTest.packet(i, 200));
            }
            assertThat(r1.metrics().packetsToMesh()).isEqualTo(100);
            assertThat(r2.metrics().packetsToMesh()).isEqualTo(100);

            // b leaves r2: r1 forgets it, and a's next packet gets "never here"
            b.close();
            Await.until("r1 forgets b", () -> !r1.meshKnows(b.pub()));
            a.send(b, new byte[] {1});
            assertThat(a.nextGone().key()).isEqualTo(b.pub());
        }
    }

    @Test
    void aRelayWithoutTheSecretCannotJoin() throws Exception {
        int p1 = freePort();
        URI u1 = URI.create("http://127.0.0.1:" + p1);
        try (Relay r1 = Relay.start(NodePrivateKey.generate(), RelayConfig.defaults().withMesh(SECRET, List.of()),
                        new InetSocketAddress("127.0.0.1", p1), null);
                Relay r2 = Relay.start(NodePrivateKey.generate(), RelayConfig.defaults()
                        .withMesh("some other secret entirely".getBytes(StandardCharsets.UTF_8), List.of(u1)),
                        new InetSocketAddress("127.0.0.1", 0), null)) {
            Await.until("refused", () -> r1.metrics().authFailures(RelayMetrics.AuthFailure.BAD_MESH_PROOF) > 0);
            assertThat(r2.metrics().meshPeers()).isZero();
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
