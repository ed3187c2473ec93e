package dev.trellis.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.relay.RelayFrame;
import dev.trellis.protocol.relay.RelayFrame.ClientHello;
import dev.trellis.protocol.relay.RelayFrame.ServerHello;
import dev.trellis.protocol.relay.RelayFrame.ServerInfo;
import dev.trellis.protocol.relay.RelayFrames;
import dev.trellis.protocol.relay.RelayProof;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A client must prove its key before anything else; every refusal is answered and counted. */
class AuthTest {
    private static Relay relay;

    @BeforeAll
    static void start() throws Exception {
        relay = Relay.start(NodePrivateKey.generate(), RelayConfig.defaults().withTimeouts(Duration.ofMillis(500),
                Duration.ofSeconds(150), Duration.ofSeconds(30)), new InetSocketAddress("127.0.0.1", 0), null);
    }

    @AfterAll
    static void stop() {
        relay.close();
    }

    @Test
    void aGoodProofIsAccepted() throws Exception {
        NodePrivateKey node = NodePrivateKey.generate();
        try (RawClient c = new RawClient(relay.url())) {
            ServerHello hello = (ServerHello) c.read();
            assertThat(hello.serverKey()).isEqualTo(relay.publicKey());
            c.write(new ClientHello(node.publicKey(), RelayProof.seal(node, hello.serverKey(), hello.challenge(), 1),
                    new byte[0]));
            assertThat(((ServerInfo) c.read()).accepted()).isTrue();
        }
    }

    @Test
    void aWrongProofIsRefused() throws Exception {
        long before = relay.metrics().authFailures(RelayMetrics.AuthFailure.BAD_PROOF);
        NodePrivateKey node = NodePrivateKey.generate();
        try (RawClient c = new RawClient(relay.url())) {
            ServerHello hello = (ServerHello) c.read();
            c.write(new ClientHello(node.publicKey(), new byte[34 + 16], new byte[0]));
            assertRefused(c, "does not verify");
        }
        assertThat(relay.metrics().authFailures(RelayMetrics.AuthFailure.BAD_PROOF)).isEqualTo(before + 1);
    }

    @Test
    void aProofMadeWithAnotherKeyIsRefused() throws Exception {
        long before = relay.metrics().authFailures(RelayMetrics.AuthFailure.BAD_PROOF);
        NodePrivateKey claimed = NodePrivateKey.generate();
        NodePrivateKey actual = NodePrivateKey.generate();
        try (RawClient c = new RawClient(relay.url())) {
            ServerHello hello = (ServerHello) c.read();
            c.write(new ClientHello(claimed.publicKey(), RelayProof.seal(actual, hello.serverKey(), hello.challenge(), 1),
                    new byte[0]));
            assertRefused(c, "does not verify");
        }
        assertThat(relay.metrics().authFailures(RelayMetrics.AuthFailure.BAD_PROOF)).isEqualTo(before + 1);
        assertThat(relay.isAttached(claimed.publicKey())).isFalse();
    }

    @Test
    void aMeshProofWithoutAMeshKeyIsRefused() throws Exception {
        NodePrivateKey node = NodePrivateKey.generate();
        try (RawClient c = new RawClient(relay.url())) {
            ServerHello hello = (ServerHello) c.read();
            c.write(new ClientHello(node.publicKey(), RelayProof.seal(node, hello.serverKey(), hello.challenge(), 1),
                    new byte[32]));
            assertRefused(c, "mesh");
        }
        assertThat(relay.metrics().authFailures(RelayMetrics.AuthFailure.BAD_MESH_PROOF)).isEqualTo(1);
    }

    @Test
    void anythingButAHelloFirstIsRefused() throws Exception {
        long before = relay.metrics().authFailures(RelayMetrics.AuthFailure.NO_HELLO);
        try (RawClient c = new RawClient(relay.url())) {
            c.read();
            c.write(new RelayFrame.SendPacket(NodePrivateKey.generate().publicKey(), new byte[] {1}));
            assertRefused(c, "ClientHello");
        }
        // and silence until the handshake timeout
        try (RawClient c = new RawClient(relay.url())) {
            c.read();
            assertThat(c.read()).isNull(); // closed by the relay after 500 ms
        }
        Await.until("both counted", () -> relay.metrics().authFailures(RelayMetrics.AuthFailure.NO_HELLO) == before + 2);
    }

    @Test
    void aHelloTrickledByteByByteIsCutOffAtTheDeadline() throws Exception {
        long before = relay.metrics().authFailures(RelayMetrics.AuthFailure.NO_HELLO);
        NodePrivateKey node = NodePrivateKey.generate();
        try (RawClient c = new RawClient(relay.url())) {
            ServerHello hello = (ServerHello) c.read();
            byte[] valid = RelayFrames.encode(new ClientHello(node.publicKey(),
                    RelayProof.seal(node, hello.serverKey(), hello.challenge(), 1), new byte[0]));
            // one byte each 100 ms: every read is well within the 500 ms handshake timeout, the
            // whole hello (about 9 s) is not
            Thread trickle = Thread.ofVirtual().start(() -> {
                try {
                    for (byte x : valid) {
                        c.writeRaw(new byte[] {x});
                        Thread.sleep(100);
                    }
                } catch (IOException | InterruptedException e) {
                    // the relay hung up, as it should
                }
            });
            RelayFrame answer;
            try {
                answer = c.read();
            } catch (IOException e) {
                answer = null; // reset: also hung up
            }
            assertThat(answer).as("hung up instead of accepting the slow hello").isNull();
            trickle.interrupt();
            trickle.join();
        }
        assertThat(relay.isAttached(node.publicKey())).isFalse();
        Await.until("counted", () -> relay.metrics().authFailures(RelayMetrics.AuthFailure.NO_HELLO) == before + 1);
    }

    private static void assertRefused(RawClient c, String why) throws Exception {
        RelayFrame answer = c.read();
        assertThat(answer).isInstanceOf(ServerInfo.class);
        assertThat(((ServerInfo) answer).accepted()).isFalse();
        assertThat(((ServerInfo) answer).message()).contains(why);
        assertThat(c.read()).as("closed after refusing").isNull();
    }
}
