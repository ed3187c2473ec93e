package dev.trellis.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.protocol.key.NodePrivateKey;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A thousand idle nodes (2,000 descriptors on loopback; ulimit -n is 20,000 here) cost the busy ones nothing. */
class IdleConnectionsTest {
    @Test
    void trafficFlowsAmongAThousandIdleConnections() throws Exception {
        List<TestNode> idle = new ArrayList<>();
        try (Relay relay = Relay.start(NodePrivateKey.generate(), RelayConfig.defaults(),
                new InetSocketAddress("127.0.0.1", 0), null)) {
            try {
                for (int i = 0; i < 1000; i++) {
                    idle.add(TestNode.connect(relay.url()));
                }
                Await.until("1,000 attached", () -> relay.metrics().clients() == 1000);
                try (TestNode a = TestNode.connect(relay.url()); TestNode b = TestNode.connect(relay.url())) {
                    for (int i = 0; i < 100; i++) {
                        a.send(b, RelayTest.packet(i, 500));
                    }
                    for (int i = 0; i < 100; i++) {
                        assertThat(b.next().bytes()).isEqualTo(RelayTest.packet(i, 500));
                    }
                    // and an idle one can still be reached
                    a.send(idle.get(500), new byte[] {5});
                    assertThat(idle.get(500).next().bytes()).containsExactly(5);
                }
            } finally {
                idle.forEach(TestNode::close);
            }
            Await.until("all gone", () -> relay.metrics().clients() == 0);
        }
    }
}
