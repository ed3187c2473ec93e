package dev.trellis.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.relay.RelayFrame;
import dev.trellis.protocol.relay.RelayFrame.ClientHello;
import dev.trellis.protocol.relay.RelayFrame.ServerHello;
import dev.trellis.protocol.relay.RelayFrame.ServerInfo;
import dev.trellis.protocol.relay.RelayProof;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The relay keeps quiet connections alive, and drops clients that fall silent. */
class TimersTest {
    @Test
    void theRelaySendsKeepAlivesAndDropsASilentClient() throws Exception {
        RelayConfig config = RelayConfig.defaults().withKeepAlive(Duration.ofMillis(100))
                .withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(800), Duration.ofSeconds(5));
        try (Relay relay = Relay.start(NodePrivateKey.generate(), config, new InetSocketAddress("127.0.0.1", 0), null);
                RawClient c = new RawClient(relay.url())) {
            NodePrivateKey node = NodePrivateKey.generate();
            ServerHello hello = (ServerHello) c.read();
            c.write(new ClientHello(node.publicKey(), RelayProof.seal(node, hello.serverKey(), hello.challenge(), 1),
                    new byte[0]));
            assertThat(((ServerInfo) c.read()).accepted()).isTrue();
            assertThat(c.read()).isInstanceOf(RelayFrame.KeepAlive.class);
            assertThat(relay.isAttached(node.publicKey())).isTrue();
            // we send nothing: after the idle timeout the relay hangs up
            RelayFrame f;
            do {
                f = c.read();
            } while (f instanceof RelayFrame.KeepAlive);
            assertThat(f).isNull();
            Await.until("detached", () -> !relay.isAttached(node.publicKey()));
        }
    }

    @Test
    void aPingIsAnswered() throws Exception {
        try (Relay relay = Relay.start(NodePrivateKey.generate(), RelayConfig.defaults(),
                        new InetSocketAddress("127.0.0.1", 0), null);
                RawClient c = new RawClient(relay.url())) {
            NodePrivateKey node = NodePrivateKey.generate();
            ServerHello hello = (ServerHello) c.read();
            c.write(new ClientHello(node.publicKey(), RelayProof.seal(node, hello.serverKey(), hello.challenge(), 1),
                    new byte[0]));
            c.read();
            // an unknown frame type first: skipped and counted, not fatal
            c.conn.out().write(new byte[] {(byte) 77, 0, 0, 0, 2, 9, 9});
            c.write(new RelayFrame.Ping(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}));
            RelayFrame pong = c.read();
            assertThat(pong).isInstanceOf(RelayFrame.Pong.class);
            assertThat(((RelayFrame.Pong) pong).data()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
            assertThat(relay.metrics().unknownFrames()).isEqualTo(1);
        }
    }
}
