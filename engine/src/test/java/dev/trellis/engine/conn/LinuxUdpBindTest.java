package dev.trellis.engine.conn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The FFM socket on loopback: batched sends (GSO) arrive as separate datagrams, close wakes a reader. */
class LinuxUdpBindTest {

    private static ByteBuffer filled(int size, int seed) {
        ByteBuffer b = ByteBuffer.allocateDirect(2048);
        for (int i = 0; i < size; i++) {
            b.put(i, (byte) (seed + i));
        }
        return b;
    }

    @Test
    void batchedSendArrivesAsSeparateDatagramsAndBatchedReceiveSplitsThem() throws Exception {
        LinuxUdpBind a = new LinuxUdpBind();
        LinuxUdpBind b = new LinuxUdpBind();
        try {
            a.open(0);
            int portB = b.open(0);
            InetSocketAddress toB = new InetSocketAddress(InetAddress.getLoopbackAddress(), portB);
            int n = 10;
            ByteBuffer[] bufs = new ByteBuffer[n];
            int[] sizes = new int[n];
            for (int i = 0; i < n; i++) {
                sizes[i] = i == n - 1 ? 300 : 1200;
                bufs[i] = filled(sizes[i], i);
            }
            a.send(bufs, sizes, n, toB);
            ByteBuffer[] rx = new ByteBuffer[64];
            for (int i = 0; i < rx.length; i++) {
                rx[i] = ByteBuffer.allocateDirect(2048);
            }
            int[] rxSizes = new int[64];
            InetSocketAddress[] from = new InetSocketAddress[64];
            int got = 0;
            while (got < n) {
                int m = b.receive(java.util.Arrays.copyOfRange(rx, got, 64), rxSizes, from);
                for (int i = 0; i < m; i++) {
                    assertThat(rxSizes[i]).isEqualTo(sizes[got + i]);
                    assertThat(rx[got + i].get(5)).isEqualTo((byte) (got + i + 5));
                    assertThat(from[i].getAddress().isLoopbackAddress()).isTrue();
                }
                got += m;
            }
            assertThat(got).isEqualTo(n);
        } finally {
            a.close();
            b.close();
        }
    }

    @Test
    void interoperatesWithJdkSocketAndCloseWakesReader() throws Exception {
        LinuxUdpBind b = new LinuxUdpBind();
        int port = b.open(0);
        try (DatagramChannel ch = DatagramChannel.open()) {
            ch.send(ByteBuffer.wrap(new byte[] {1, 2, 3}), new InetSocketAddress("127.0.0.1", port));
            ByteBuffer dst = ByteBuffer.allocateDirect(100);
            InetSocketAddress src = b.receive(dst);
            assertThat(dst.position()).isEqualTo(3);
            assertThat(src.getPort()).isEqualTo(((InetSocketAddress) ch.getLocalAddress()).getPort());
            assertThat(src.getAddress().getHostAddress()).isEqualTo("127.0.0.1");

            CompletableFuture<Throwable> reader = CompletableFuture.supplyAsync(() -> {
                try {
                    b.receive(ByteBuffer.allocateDirect(100));
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            Thread.sleep(100); // let the reader block in recvmmsg (the test also passes if it has not yet)
            b.close();
            assertThat(reader.get(5, TimeUnit.SECONDS)).isInstanceOf(ClosedChannelException.class);
        } finally {
            b.close();
        }
        assertThatThrownBy(() -> b.send(ByteBuffer.allocateDirect(4), new InetSocketAddress("127.0.0.1", port)))
                .isInstanceOf(ClosedChannelException.class);
    }
}
