package dev.trellis.engine.wg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.engine.conn.Bind;
import dev.trellis.engine.conn.DatagramBind;
import dev.trellis.engine.conn.LinuxUdpBind;
import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.key.PresharedKey;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Two devices over real UDP sockets on loopback, with each bind implementation. No root needed. */
class RealUdpDeviceTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "linux"})
    void bulkTransferKeepsOrderOverLoopback(String kind) throws Exception {
        Supplier<Bind> binds = kind.equals("linux") ? LinuxUdpBind::new : DatagramBind::new;
        NodePrivateKey ka = NodePrivateKey.generate();
        NodePrivateKey kb = NodePrivateKey.generate();
        ChannelTun ta = new ChannelTun("a");
        ChannelTun tb = new ChannelTun("b");
        Device a = new Device("a", ta, binds.get(), Clock.systemUTC(), WgConstants.DEFAULT);
        Device b = new Device("b", tb, binds.get(), Clock.systemUTC(), WgConstants.DEFAULT);
        try {
            a.start();
            b.start();
            a.apply(DevicePair.config(ka, kb, PresharedKey.NONE, new InetSocketAddress("127.0.0.1", b.listenPort()),
                    "100.64.0.2/32"));
            b.apply(DevicePair.config(kb, ka, PresharedKey.NONE, new InetSocketAddress("127.0.0.1", a.listenPort()),
                    "100.64.0.1/32"));
            ta.inject(Packets.udp4("100.64.0.1", "100.64.0.2", new byte[8]));
            assertThat(tb.awaitDelivered(WAIT)).isNotNull();
            int n = 2000;
            for (int i = 0; i < n; i++) {
                byte[] payload = new byte[1300];
                payload[0] = (byte) (i >>> 8);
                payload[1] = (byte) i;
                ta.inject(Packets.udp4("100.64.0.1", "100.64.0.2", payload));
            }
            int received = 0;
            int last = -1;
            byte[] got;
            while (received < n && (got = tb.awaitDelivered(Duration.ofSeconds(2))) != null) {
                int seq = (got[28] & 0xff) << 8 | (got[29] & 0xff);
                assertThat(seq).as("in order").isGreaterThan(last);
                last = seq;
                received++;
            }
            // UDP may drop under a burst on loopback, but most must arrive and none out of order
            assertThat(received).isGreaterThan(n / 2);
            byte[] reply = Packets.udp4("100.64.0.2", "100.64.0.1", new byte[99]);
            tb.inject(reply);
            assertThat(ta.awaitDelivered(WAIT)).isEqualTo(reply);
            // re-binding to another port while running works and traffic follows
            a.apply(new DeviceUpdate(java.util.Optional.empty(), java.util.OptionalInt.of(0),
                    java.util.OptionalInt.empty(), false, java.util.List.of()));
            ta.inject(Packets.udp4("100.64.0.1", "100.64.0.2", new byte[8]));
            assertThat(tb.awaitDelivered(WAIT)).isNotNull();
        } finally {
            a.close();
            b.close();
        }
    }
}
