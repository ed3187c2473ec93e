package dev.trellis.engine.netcheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trellis.engine.testing.Await;
import dev.trellis.protocol.stun.StunServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The standalone port against the protocol's real STUN server on loopback. */
class DatagramStunPortTest {
    private static final InetSocketAddress LOOPBACK_ANY_PORT = new InetSocketAddress("127.0.0.1", 0);

    @Test
    void theServerAnswersWithThePortsOwnAddress() throws Exception {
        try (StunServer server = new StunServer(LOOPBACK_ANY_PORT).start();
                DatagramStunPort port = DatagramStunPort.open(LOOPBACK_ANY_PORT)) {
            InetSocketAddress mapped = port.bindingRequest(server.address()).get(10, TimeUnit.SECONDS);

            assertThat(mapped).isEqualTo(port.localAddress());
            assertThat(port.waiters().pending()).isZero();
            assertThat(port.waiters().stats().answered()).isEqualTo(1);
        }
    }

    @Test
    void aDualStackPortReachesAnIpv4Server() throws Exception {
        try (StunServer server = new StunServer(LOOPBACK_ANY_PORT).start();
                DatagramStunPort port = DatagramStunPort.open()) {
            InetSocketAddress mapped = port.bindingRequest(server.address()).get(10, TimeUnit.SECONDS);

            assertThat(mapped.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
            assertThat(mapped.getPort()).isEqualTo(port.localAddress().getPort());
        }
    }

    @Test
    void cancellingAnUnansweredRequestFreesItsWaiter() throws Exception {
        try (DatagramChannel silent = DatagramChannel.open().bind(LOOPBACK_ANY_PORT);
                DatagramStunPort port = DatagramStunPort.open(LOOPBACK_ANY_PORT)) {
            CompletableFuture<InetSocketAddress> f = port.bindingRequest((InetSocketAddress) silent.getLocalAddress());
            assertThat(port.waiters().pending()).isEqualTo(1);

            f.cancel(false);

            assertThat(port.waiters().pending()).isZero();
        }
    }

    @Test
    void closingFailsWhatIsPendingAndRefusesNewRequests() throws Exception {
        try (DatagramChannel silent = DatagramChannel.open().bind(LOOPBACK_ANY_PORT)) {
            InetSocketAddress to = (InetSocketAddress) silent.getLocalAddress();
            DatagramStunPort port = DatagramStunPort.open(LOOPBACK_ANY_PORT);
            CompletableFuture<InetSocketAddress> f = port.bindingRequest(to);

            port.close();
            port.close();

            assertThatThrownBy(f::join).hasCauseInstanceOf(ClosedChannelException.class);
            assertThat(port.waiters().pending()).isZero();
            assertThatThrownBy(() -> port.bindingRequest(to)).isInstanceOf(ClosedChannelException.class);
        }
    }

    @Test
    void otherTrafficAndMalformedStunAreCountedNotFatal() throws Exception {
        try (StunServer server = new StunServer(LOOPBACK_ANY_PORT).start();
                DatagramStunPort port = DatagramStunPort.open(LOOPBACK_ANY_PORT);
                DatagramChannel stranger = DatagramChannel.open().bind(LOOPBACK_ANY_PORT)) {
            stranger.send(ByteBuffer.wrap(new byte[] {1, 0, 0, 0, 9, 9, 9, 9}), port.localAddress());
            ByteBuffer badStun = ByteBuffer.allocate(24).putShort((short) 0x0101).putShort((short) 8)
                    .putInt(0x2112A442).clear(); // says 8 bytes of attributes, has 4
            stranger.send(badStun, port.localAddress());

            Await.until(() -> port.notStunDatagrams() == 1 && port.waiters().stats().malformed() == 1,
                    "both datagrams are read and counted");
            // The reader survived them.
            assertThat(port.bindingRequest(server.address()).get(10, TimeUnit.SECONDS))
                    .isEqualTo(port.localAddress());
        }
    }

    @Test
    void anIpv4PortCannotSendToIpv6AndSaysSoWithAnIoException() throws Exception {
        try (DatagramStunPort port = DatagramStunPort.open(LOOPBACK_ANY_PORT)) {
            assertThatThrownBy(() -> port.bindingRequest(new InetSocketAddress("::1", 3478)))
                    .isInstanceOf(IOException.class).hasMessageContaining("cannot send to");
            assertThat(port.waiters().pending()).isZero();
            assertThatThrownBy(() -> port.bindingRequest(InetSocketAddress.createUnresolved("relay.test", 3478)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
