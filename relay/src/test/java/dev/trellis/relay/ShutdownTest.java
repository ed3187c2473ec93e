package dev.trellis.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.relay.RelayFrame;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A relay that is shut down tells its clients it is restarting before it hangs up. */
class ShutdownTest {
    @Test
    void clientsHearRestartingThenTheClose() throws Exception {
        Relay relay = Relay.start(NodePrivateKey.generate(), RelayConfig.defaults(), new InetSocketAddress("127.0.0.1", 0),
                null);
        try (TestNode a = TestNode.connect(relay.url());
                RawClient raw = RawClient.authenticated(relay.url(), NodePrivateKey.generate())) {
            Await.until("both attached", () -> relay.metrics().clients() == 2);
            relay.close();
            int reconnect = (int) RelayService.RESTART_RECONNECT_IN.toMillis();
            int tryFor = (int) RelayService.RESTART_TRY_FOR.toMillis();
            assertThat(a.restarting.get(20, TimeUnit.SECONDS)).containsExactly(reconnect, tryFor);
            assertThat(a.closed.get(20, TimeUnit.SECONDS)).as("then closed by the relay").isNotNull();
            assertThat(raw.read()).isEqualTo(new RelayFrame.Restarting(reconnect, tryFor));
            assertThat(raw.read()).as("and then the end").isNull();
            assertThat(relay.metrics().prometheus("")).contains("trellis_relay_restarting_sent_total 2");
        } finally {
            relay.close(); // idempotent
        }
    }

    @Test
    void aClientThatNeverReadsDelaysShutdownAtMostASecond() throws Exception {
        Relay relay = Relay.start(NodePrivateKey.generate(), RelayConfig.defaults(), new InetSocketAddress("127.0.0.1", 0),
                null);
        NodePrivateKey sleeperKey = NodePrivateKey.generate();
        try (RawClient sleeper = RawClient.authenticated(relay.url(), sleeperKey);
                TestNode flooder = TestNode.connect(relay.url())) {
            byte[] junk = new byte[1200];
            // fill the sleeper's socket buffers and queue so Restarting cannot be written
            Await.until("the sleeper's queue to fill", () -> {
                for (int i = 0; i < 256; i++) {
                    flooder.client.send(sleeperKey.publicKey(), ByteBuffer.wrap(junk));
                }
                return relay.metrics().drops(RelayMetrics.Drop.QUEUE_FULL) > 0;
            });
            long start = System.nanoTime();
            relay.close();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
                    .isLessThan(RelayService.RESTART_FLUSH.toMillis() + 5_000);
        } finally {
            relay.close();
        }
    }
}
