package dev.trellis.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.key.NodePublicKey;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Many senders flooding clients that never read: all queues together stay within the relay's
 * budget, the excess is dropped and counted, and two nodes that do read keep exchanging every
 * packet, served from the part of the budget kept for short queues.
 */
class QueueBudgetTest {
    private static final long BUDGET = 2L << 20;

    @Test
    void allQueuesTogetherStayWithinTheBudget() throws Exception {
        RelayConfig config = RelayConfig.defaults().withQueue(4096, 1L << 20).withQueueBudget(BUDGET);
        List<RawClient> sleepers = new ArrayList<>();
        List<TestNode> flooders = new ArrayList<>();
        try (Relay relay = Relay.start(NodePrivateKey.generate(), config, new InetSocketAddress("127.0.0.1", 0), null);
                TestNode a = TestNode.connect(relay.url(), NodePrivateKey.generate(), false);
                TestNode b = TestNode.connect(relay.url(), NodePrivateKey.generate(), false)) {
            List<NodePublicKey> sleeperKeys = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                NodePrivateKey k = NodePrivateKey.generate();
                sleepers.add(RawClient.authenticated(relay.url(), k)); // and from here on never reads
                sleeperKeys.add(k.publicKey());
            }
            for (int i = 0; i < 4; i++) {
                flooders.add(TestNode.connect(relay.url(), NodePrivateKey.generate(), false));
            }
            AtomicLong most = new AtomicLong();
            // a platform thread: a spinning virtual one would hold one of the two carrier threads
            Thread watcher = Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (true) {
                        most.accumulateAndGet(relay.metrics().queuedBytes(), Math::max);
                        Thread.sleep(1);
                    }
                } catch (InterruptedException e) {
                    // done
                }
            });
            List<Thread> floods = new ArrayList<>();
            for (TestNode f : flooders) {
                floods.add(Thread.ofVirtual().start(() -> {
                    byte[] junk = new byte[1200];
                    for (int i = 0; i < 20_000; i++) {
                        // the flooder's own queue to the relay is bounded too: a refused send is just lost
                        f.client.send(sleeperKeys.get(i % sleeperKeys.size()), ByteBuffer.wrap(junk));
                        if (i % 256 == 0) {
                            Thread.yield();
                        }
                    }
                }));
            }
            Await.until("the budget to be hit", () -> relay.metrics().drops(RelayMetrics.Drop.QUEUE_BUDGET) > 0);

            int n = 2000;
            byte[] packet = new byte[1000];
            for (int i = 0; i < n; i++) {
                final int sent = i;
                if (b.received.get() < sent - 32 || a.received.get() < sent - 32) {
                    Await.until("the window to open", () -> b.received.get() >= sent - 32 && a.received.get() >= sent - 32);
                }
                assertThat(a.send(b, packet)).isTrue();
                assertThat(b.send(a, packet)).isTrue();
            }
            Await.until("all 2,000 each way", () -> a.received.get() == n && b.received.get() == n);
            for (Thread t : floods) {
                t.join();
            }
            watcher.interrupt();
            watcher.join();

            assertThat(most.get()).as("the most ever queued").isLessThanOrEqualTo(BUDGET).isGreaterThan(BUDGET / 2);
            assertThat(relay.metrics().prometheus("")).contains(
                    "trellis_relay_packets_dropped_total{reason=\"queue_budget\"} "
                            + relay.metrics().drops(RelayMetrics.Drop.QUEUE_BUDGET),
                    "trellis_relay_queue_budget_bytes " + BUDGET);

            sleepers.forEach(RawClient::close);
            flooders.forEach(TestNode::close);
            Await.until("every byte accounted for once the sleepers are gone", () -> relay.metrics().queuedBytes() == 0);
        } finally {
            sleepers.forEach(RawClient::close);
            flooders.forEach(TestNode::close);
        }
    }
}
