package dev.trellis.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.relay.RelayFrame.ClientHello;
import dev.trellis.protocol.relay.RelayFrame.ServerHello;
import dev.trellis.protocol.relay.RelayFrame.ServerInfo;
import dev.trellis.protocol.relay.RelayProof;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** A node that never reads costs only its own bounded queue; others keep their full speed. */
class SlowReaderTest {
    @Test
    void aNodeThatNeverReadsDoesNotSlowOthers() throws Exception {
        RelayConfig config = RelayConfig.defaults();
        try (Relay relay = Relay.start(NodePrivateKey.generate(), config, new InetSocketAddress("127.0.0.1", 0), null);
                TestNode a = TestNode.connect(relay.url(), NodePrivateKey.generate(), false);
                TestNode b = TestNode.connect(relay.url(), NodePrivateKey.generate(), false);
                TestNode flooder = TestNode.connect(relay.url());
                RawClient sleeper = new RawClient(relay.url())) {
            NodePrivateKey sleeperKey = NodePrivateKey.generate();
            ServerHello hello = (ServerHello) sleeper.read();
            sleeper.write(new ClientHello(sleeperKey.publicKey(),
                    RelayProof.seal(sleeperKey, hello.serverKey(), hello.challenge(), 1), new byte[0]));
            assertThat(((ServerInfo) sleeper.read()).accepted()).isTrue();
            // from here on the sleeper reads nothing

            Thread flood = Thread.ofVirtual().start(() -> {
                byte[] junk = new byte[1200];
                for (int i = 0; i < 20_000 && !Thread.currentThread().isInterrupted(); i++) {
                    flooder.client.send(sleeperKey.publicKey(), ByteBuffer.wrap(junk));
                    if (i % 256 == 0) {
                        Thread.yield();
                    }
                }
            });
            int n = 10_000;
            byte[] packet = new byte[1000];
            for (int i = 0; i < n; i++) {
                // keep at most 256 in flight each way so the relay's 512-frame queues never fill for them
                final int sent = i;
                if (b.received.get() < sent - 256 || a.received.get() < sent - 256) {
                    Await.until("the window to open", () -> b.received.get() >= sent - 256 && a.received.get() >= sent - 256);
                }
                assertThat(a.send(b, packet)).isTrue();
                assertThat(b.send(a, packet)).isTrue();
            }
            Await.until("all 10,000 each way", () -> a.received.get() == n && b.received.get() == n);
            flood.join();
            Await.until("the flood to reach the relay", () ->
                    relay.metrics().drops(RelayMetrics.Drop.QUEUE_FULL) > 0);
            assertThat(relay.metrics().drops(RelayMetrics.Drop.QUEUE_FULL)).isGreaterThan(0);
            // the sleeper's queue never held more than its bound
            assertThat(relay.queuedBytes(sleeperKey.publicKey())).isLessThanOrEqualTo(config.queueBytes());
            assertThat(relay.metrics().prometheus("")).contains("reason=\"queue_full\"} "
                    + relay.metrics().drops(RelayMetrics.Drop.QUEUE_FULL));
        }
    }
}
