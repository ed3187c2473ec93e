package dev.trellis.tun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Packets through a real TUN device and the kernel's IP stack, both ways, IPv4 and IPv6. */
@Tag("root")
class TunDeviceRootTest extends TunRootFixture {

    @Test
    void readsIpv4PacketTheKernelRoutesIntoTheTun() throws Exception {
        TunDevice tun = openConfigured();
        byte[] payload = "to the peer over v4".getBytes(StandardCharsets.US_ASCII);
        try (DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET)) {
            ch.send(ByteBuffer.wrap(payload), new InetSocketAddress(V4_PEER, 9));
            int srcPort = ((InetSocketAddress) ch.getLocalAddress()).getPort();

            // A direct buffer with data from position 5: the packet must land there.
            byte[] p = readMatching(tun, ByteBuffer.allocateDirect(2048), 5,
                    q -> (q[0] >> 4) == 4 && q[9] == Packets.UDP
                            && Arrays.equals(Packets.slice(q, 16, 4), V4_PEER.getAddress()));

            assertThat(p[0]).isEqualTo((byte) 0x45);
            assertThat(Packets.u16(p, 2)).isEqualTo(p.length).isEqualTo(20 + 8 + payload.length);
            assertThat(Packets.checksum(p, 0, 20, 0)).as("IPv4 header checksum").isZero();
            assertThat(Packets.slice(p, 12, 4)).isEqualTo(V4_LOCAL.getAddress());
            assertThat(Packets.u16(p, 20)).isEqualTo(srcPort);
            assertThat(Packets.u16(p, 22)).isEqualTo(9);
            assertThat(Packets.u16(p, 24)).isEqualTo(8 + payload.length);
            assertThat(Packets.slice(p, 28, payload.length)).isEqualTo(payload);
        }
    }

    @Test
    void readsIpv6PacketIntoAHeapBuffer() throws Exception {
        TunDevice tun = openConfigured();
        byte[] payload = "to the peer over v6".getBytes(StandardCharsets.US_ASCII);
        try (DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET6)) {
            ch.send(ByteBuffer.wrap(payload), new InetSocketAddress(V6_PEER, 9));

            byte[] p = readMatching(tun, ByteBuffer.allocate(2048), 3,
                    q -> (q[0] >> 4) == 6 && q[6] == Packets.UDP
                            && Arrays.equals(Packets.slice(q, 24, 16), V6_PEER.getAddress()));

            assertThat(Packets.u16(p, 4)).isEqualTo(8 + payload.length).isEqualTo(p.length - 40);
            assertThat(Packets.slice(p, 8, 16)).isEqualTo(V6_LOCAL.getAddress());
            assertThat(Packets.u16(p, 42)).isEqualTo(9);
            assertThat(Packets.udp6Checksum(p)).as("UDP checksum over the pseudo-header")
                    .isZero();
            assertThat(Packets.slice(p, 48, payload.length)).isEqualTo(payload);
        }
    }

    @Test
    void truncatesAPacketLargerThanTheBuffer() throws Exception {
        TunDevice tun = openConfigured();
        try (DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET)) {
            ch.send(ByteBuffer.allocate(100), new InetSocketAddress(V4_PEER, 9));
            ByteBuffer small = ByteBuffer.allocateDirect(64).position(30).limit(54); // 24 bytes
            byte[] head = readMatching(tun, small, 30, q -> q.length == 24 && (q[0] >> 4) == 4
                    && Arrays.equals(Packets.slice(q, 16, 4), V4_PEER.getAddress()));
            assertThat(Packets.u16(head, 2)).as("total length in the cut header")
                    .isEqualTo(128);
            assertThat(small.position()).isEqualTo(54);
        }
    }

    @Test
    void writtenIpv4PacketReachesALocalSocket() throws Exception {
        TunDevice tun = openConfigured();
        byte[] payload = "from the peer over v4".getBytes(StandardCharsets.US_ASCII);
        try (DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET)
                .bind(new InetSocketAddress(V4_LOCAL, 0))) {
            int port = ((InetSocketAddress) ch.getLocalAddress()).getPort();
            byte[] packet = Packets.udp4(V4_PEER.getAddress(), V4_LOCAL.getAddress(), 4242, port,
                    payload);
            // Direct buffer, packet between position 7 and the limit.
            ByteBuffer src = ByteBuffer.allocateDirect(64 + packet.length);
            src.position(7).put(packet).flip().position(7);

            tun.write(src);

            assertThat(src.position()).isEqualTo(src.limit());
            assertReceives(ch, new InetSocketAddress(V4_PEER, 4242), payload);
        }
    }

    @Test
    void writtenIpv6PacketFromAHeapBufferReachesALocalSocket() throws Exception {
        TunDevice tun = openConfigured();
        byte[] payload = "from the peer over v6".getBytes(StandardCharsets.US_ASCII);
        try (DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET6)
                .bind(new InetSocketAddress(V6_LOCAL, 0))) {
            int port = ((InetSocketAddress) ch.getLocalAddress()).getPort();
            byte[] packet = Packets.udp6(V6_PEER.getAddress(), V6_LOCAL.getAddress(), 4243, port,
                    payload);
            ByteBuffer src = ByteBuffer.allocate(packet.length + 2).position(2).put(packet)
                    .flip().position(2);

            tun.write(src);

            assertThat(src.hasRemaining()).isFalse();
            assertReceives(ch, new InetSocketAddress(V6_PEER, 4243), payload);
        }
    }

    @Test
    void closeWakesABlockedReaderAndEndsTheDevice() throws Exception {
        TunDevice tun = open(); // down: no packet will ever arrive
        String name = tun.name();
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread reader = Thread.ofPlatform().name("tun-reader").start(() -> {
            try {
                tun.read(ByteBuffer.allocateDirect(2048));
                outcome.complete(null);
            } catch (Throwable t) {
                outcome.complete(t);
            }
        });
        awaitBlockedInPoll(reader);

        tun.close();

        assertThat(outcome.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS))
                .isInstanceOf(ClosedChannelException.class);
        assertThat(reader.join(DEADLINE)).isTrue();
        assertThatThrownBy(() -> tun.read(ByteBuffer.allocateDirect(2048)))
                .isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> tun.write(ByteBuffer.wrap(new byte[20])))
                .isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(tun::mtu).isInstanceOf(ClosedChannelException.class);
        tun.close(); // idempotent
        assertThat(IpCommand.linkExists(name)).as("closing deletes the interface").isFalse();
        // The descriptor really is closed: the name can be attached again at once.
        try (TunDevice again = Tun.open(name)) {
            assertThat(again.name()).isEqualTo(name);
        }
    }

    @Test
    void opensWithAKernelChosenName() throws Exception {
        String pattern = "trt" + ProcessHandle.current().pid() + "k%d";
        try (TunDevice tun = Tun.open(pattern)) {
            track(tun.name());
            assertThat(tun.name()).matches(pattern.replace("%d", "[0-9]+"));
            assertThat(IpCommand.linkExists(tun.name())).isTrue();
        }
    }

    @Test
    void openingANonTunInterfaceNameFailsWithAnExplanation() {
        assertThatThrownBy(() -> Tun.open("lo"))
                .hasMessageStartingWith("TUNSETIFF lo: Invalid argument (EINVAL)")
                .hasMessageContaining("not a TUN device");
        assertThatThrownBy(() -> Tun.open("no/slash"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void steadyStateReadsAndWritesDoNotAllocate() throws Exception {
        TunDevice tun = openConfigured();
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (DatagramChannel sink = DatagramChannel.open(StandardProtocolFamily.INET)
                .bind(new InetSocketAddress(V4_LOCAL, 0));
                DatagramChannel source = DatagramChannel.open(StandardProtocolFamily.INET)) {
            int port = ((InetSocketAddress) sink.getLocalAddress()).getPort();
            ByteBuffer out = ByteBuffer.allocateDirect(128);
            out.put(Packets.udp4(V4_PEER.getAddress(), V4_LOCAL.getAddress(), 1, port,
                    new byte[16])).flip();
            for (int i = 0; i < 2_000; i++) { // warm up: first use fills caches
                tun.write(out.rewind());
            }
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 10_000; i++) {
                tun.write(out.rewind());
            }
            // Any per-call object would be at least 16 bytes a call; allow stray bytes only.
            double perWrite = (threads.getCurrentThreadAllocatedBytes() - before) / 10_000.0;
            assertThat(perWrite).as("bytes allocated per write").isLessThan(1.0);

            // 450 datagrams queue in the TUN (its queue holds 500); reading 400 cannot block.
            ByteBuffer datagram = ByteBuffer.allocate(16);
            for (int i = 0; i < 450; i++) {
                source.send(datagram.rewind(), new InetSocketAddress(V4_PEER, 9));
            }
            double perRead = withDeadline(() -> {
                ByteBuffer in = ByteBuffer.allocateDirect(2048);
                for (int i = 0; i < 50; i++) {
                    tun.read(in.clear());
                }
                long start = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 350; i++) {
                    tun.read(in.clear());
                }
                return (threads.getCurrentThreadAllocatedBytes() - start) / 350.0;
            }, tun);
            assertThat(perRead).as("bytes allocated per read").isLessThan(1.0);
        }
    }

    @Test
    void closeDuringConcurrentTrafficEndsEveryThreadCleanly() throws Exception {
        TunDevice tun = openConfigured();
        byte[] packet = Packets.udp4(V4_PEER.getAddress(), V4_LOCAL.getAddress(), 1, 9,
                new byte[32]);
        List<CompletableFuture<Throwable>> ends = new ArrayList<>();
        CountDownLatch running = new CountDownLatch(5);
        ends.add(runUntilFailure(running, () -> tun.read(ByteBuffer.allocateDirect(2048))));
        for (int i = 0; i < 4; i++) {
            ByteBuffer src = ByteBuffer.allocateDirect(packet.length).put(packet);
            ends.add(runUntilFailure(running, () -> tun.write(src.flip())));
        }
        try (DatagramChannel source = DatagramChannel.open(StandardProtocolFamily.INET)) {
            assertThat(running.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            for (int i = 0; i < 200; i++) { // keep the reader busy too
                source.send(ByteBuffer.allocate(8), new InetSocketAddress(V4_PEER, 9));
            }
            tun.close();
        }
        for (CompletableFuture<Throwable> end : ends) {
            // Not EBADF or another descriptor's data: the descriptor outlived every call on it.
            assertThat(end.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS))
                    .isInstanceOf(ClosedChannelException.class);
        }
    }

    private interface Io {
        void run() throws Exception;
    }

    /** Runs {@code io} in a loop on a new thread until it throws; completes with the throwable. */
    private static CompletableFuture<Throwable> runUntilFailure(CountDownLatch running, Io io) {
        CompletableFuture<Throwable> end = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            running.countDown();
            try {
                for (;;) {
                    io.run();
                }
            } catch (Throwable t) {
                end.complete(t);
            }
        });
        return end;
    }

    /**
     * Reads packets (each into {@code buf} between {@code offset} and its limit) until one matches; fails after the
     * deadline, closing the device to free the reading thread.
     */
    private static byte[] readMatching(TunDevice tun, ByteBuffer buf, int offset,
            Predicate<byte[]> wanted) throws Exception {
        int limit = buf.limit();
        return withDeadline(() -> {
            for (;;) {
                buf.limit(limit).position(offset);
                int n = tun.read(buf);
                assertThat(buf.position()).isEqualTo(offset + n);
                byte[] p = new byte[n];
                buf.get(offset, p);
                if (wanted.test(p)) {
                    return p;
                }
            }
        }, tun);
    }

    private static <T> T withDeadline(Callable<T> task, TunDevice tun) throws Exception {
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try {
            Future<T> f = ex.submit(task);
            try {
                return f.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                tun.close();
                return fail("no expected packet on " + tun.name() + " within " + DEADLINE);
            }
        } finally {
            ex.shutdownNow();
        }
    }

    private static void assertReceives(DatagramChannel ch, InetSocketAddress from, byte[] payload)
            throws Exception {
        ch.configureBlocking(false);
        try (Selector sel = Selector.open()) {
            ch.register(sel, SelectionKey.OP_READ);
            assertThat(sel.select(DEADLINE.toMillis()))
                    .as("datagram delivered within %s", DEADLINE).isEqualTo(1);
            ByteBuffer got = ByteBuffer.allocate(2048);
            InetSocketAddress sender = (InetSocketAddress) ch.receive(got);
            assertThat(sender.getAddress()).isEqualTo(from.getAddress());
            assertThat(sender.getPort()).isEqualTo(from.getPort());
            assertThat(Arrays.copyOf(got.array(), got.position())).isEqualTo(payload);
        }
    }

    /** Waits (bounded) until {@code t} is inside the native poll of a TUN read. */
    private static void awaitBlockedInPoll(Thread t) throws InterruptedException {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < end) {
            for (StackTraceElement f : t.getStackTrace()) {
                if (f.getMethodName().equals("poll") && f.getClassName().endsWith(".LibC")) {
                    return;
                }
            }
            Thread.sleep(1);
        }
        fail("reader never blocked in poll within " + DEADLINE);
    }
}
