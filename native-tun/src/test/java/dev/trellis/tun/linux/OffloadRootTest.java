package dev.trellis.tun.linux;

import static dev.trellis.tun.linux.TcpPackets.ACK;
import static dev.trellis.tun.linux.TcpPackets.PSH;
import static dev.trellis.tun.linux.TcpPackets.SYN;
import static dev.trellis.tun.linux.TcpPackets.u16;
import static dev.trellis.tun.linux.TcpPackets.u32;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.trellis.tun.Tun;
import dev.trellis.tun.linux.TcpPackets.Flow;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TUN offloads against the real kernel: the test plays the remote TCP peer of a local socket,
 * reading the kernel's TSO super-packets as segments and writing coalesced segments back.
 * Root only (fails, never skips, without it); interfaces live in the root namespace under unique
 * names and go away when the device is closed.
 */
@Tag("root")
class OffloadRootTest {

    static final Duration DEADLINE = Duration.ofSeconds(20);
    static final int MTU = 1400;
    static final int OFFSET = 16;
    static final byte[] MSS_1360 = {2, 4, 0x05, 0x50};
    static final InetAddress V4_LOCAL = address("198.18.211.1");
    static final InetAddress V4_PEER = address("198.18.211.2");
    static final InetAddress V6_LOCAL = address("fd7a:115c:a1e0:d3::1");
    static final InetAddress V6_PEER = address("fd7a:115c:a1e0:d3::2");

    private static final AtomicInteger NEXT = new AtomicInteger();

    private final List<LinuxTun> devices = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();

    @BeforeAll
    static void requireTunSupport() {
        assertThat(Tun.unavailabilityCause())
                .as("tests tagged 'root' need root and /dev/net/tun"
                        + " (set TRELLIS_SKIP_ROOT_TESTS=1 to leave them out)")
                .isEmpty();
    }

    @ParameterizedTest(name = "IPv6 {0}")
    @ValueSource(booleans = {false, true})
    void kernelTsoIsReadAsSegmentsAndCoalescedWritesAreAccepted(boolean v6) throws Exception {
        LinuxTun tun = openConfigured(true);
        assertThat(tun.offloadsEnabled()).as("offloads on this kernel").isTrue();
        InetAddress local = v6 ? V6_LOCAL : V4_LOCAL;
        InetAddress peer = v6 ? V6_PEER : V4_PEER;
        int ip = v6 ? 40 : 20;
        int peerPort = 5001;
        byte[] upload = TcpPackets.pattern(200_000, 17);

        try (SocketChannel client = SocketChannel.open(
                v6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET)) {
            CompletableFuture<Boolean> connected = CompletableFuture.supplyAsync(() -> {
                try {
                    return client.connect(new InetSocketAddress(peer, peerPort));
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            Predicate<byte[]> toPeer = p -> isTcp(p, v6) && Arrays.equals(dst(p, v6),
                    peer.getAddress()) && u16(p, ip + 2) == peerPort;
            byte[] syn = readSingle(tun, p -> toPeer.test(p) && (p[ip + 13] & SYN) != 0);
            assertThat(TcpPackets.tcpChecksumValid(syn)).as("SYN checksum").isTrue();
            int clientPort = u16(syn, ip);
            int clientNext = u32(syn, ip + 4) + 1;
            Flow fromPeer = new Flow(peer.getAddress(), local.getAddress(), peerPort, clientPort,
                    64, 0, 65535);
            int peerNext = 1_000_000;
            tun.write(ByteBuffer.wrap(TcpPackets.segment(fromPeer, 1, peerNext, clientNext,
                    SYN | ACK, MSS_1360, new byte[0])));
            peerNext++;
            assertThat(connected.get(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();

            // Local socket → TUN: one big write the kernel sends as TSO super-packets.
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                try {
                    ByteBuffer data = ByteBuffer.wrap(upload);
                    while (data.hasRemaining()) {
                        client.write(data);
                    }
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            ByteBuffer[] bufs = TcpPackets.buffers(64);
            int[] sizes = new int[64];
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            int reads = 0;
            int packets = 0;
            int maxBatch = 0;
            int clientWindow = 0;
            ByteBuffer ack = ByteBuffer.allocateDirect(128);
            try (var guard = closeAfterDeadline(tun)) {
                while (received.size() < upload.length) {
                    int n = tun.read(bufs, sizes, OFFSET);
                    reads++;
                    packets += n;
                    maxBatch = Math.max(maxBatch, n);
                    for (int i = 0; i < n; i++) {
                        byte[] p = TcpPackets.bytes(bufs[i], OFFSET, sizes[i]);
                        if (!toPeer.test(p)) {
                            continue;
                        }
                        assertThat(p.length).as("segment length").isLessThanOrEqualTo(MTU);
                        if (!v6) {
                            assertThat(TcpPackets.ipv4HeaderValid(p)).isTrue();
                            assertThat(u16(p, 2)).isEqualTo(p.length);
                        } else {
                            assertThat(u16(p, 4)).isEqualTo(p.length - 40);
                        }
                        assertThat(TcpPackets.tcpChecksumValid(p)).as("TCP checksum").isTrue();
                        clientWindow = u16(p, ip + 14);
                        byte[] payload = TcpPackets.payload(p);
                        int seq = u32(p, ip + 4);
                        if (payload.length == 0 || seq - clientNext < 0) {
                            continue; // an ACK, or a retransmission of what we have
                        }
                        assertThat(seq).as("no gap in the byte stream").isEqualTo(clientNext);
                        received.write(payload);
                        clientNext += payload.length;
                    }
                    ack.clear().put(TcpPackets.segment(fromPeer, 2, peerNext, clientNext, ACK,
                            new byte[0], new byte[0])).flip();
                    tun.write(ack);
                }
            }
            sent.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            assertThat(received.toByteArray()).isEqualTo(upload);
            assertThat(tun.superPacketsSplit()).as("TSO super-packets from the kernel")
                    .isPositive();
            assertThat(tun.malformedDropped()).isZero();
            System.out.printf("IPv%d TSO: %d bytes in %d packets over %d batch reads (%.1f per"
                    + " read, max %d), %d super-packets split%n", v6 ? 6 : 4, upload.length,
                    packets, reads, (double) packets / reads, maxBatch, tun.superPacketsSplit());

            // TUN → local socket: in-order segments written as one batch, merged on the way.
            int segments = Math.min(40, clientWindow / 1360);
            assertThat(segments).as("client window %d", clientWindow).isGreaterThan(1);
            byte[] download = TcpPackets.pattern(segments * 1360 - 300, 99);
            ByteBuffer[] out = TcpPackets.buffers(segments);
            int[] outSizes = new int[segments];
            for (int i = 0; i < segments; i++) {
                int from = i * 1360;
                byte[] chunk = Arrays.copyOfRange(download, from,
                        Math.min(download.length, from + 1360));
                byte[] p = TcpPackets.segment(fromPeer, 100 + i, peerNext + from, clientNext,
                        i == segments - 1 ? ACK | PSH : ACK, new byte[0], chunk);
                out[i].put(OFFSET, p);
                outSizes[i] = p.length;
            }
            tun.write(out, outSizes, segments, OFFSET);
            assertThat(tun.superPacketsWritten()).as("super-packets written").isPositive();
            assertThat(tun.superPacketsRefused()).isZero();

            ByteBuffer got = ByteBuffer.allocate(download.length);
            CompletableFuture<Void> read = CompletableFuture.runAsync(() -> {
                try {
                    while (got.hasRemaining() && client.read(got) >= 0) {
                        // until all arrived
                    }
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            try {
                read.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                fail("local socket received %d of %d bytes within %s", got.position(),
                        download.length, DEADLINE);
            }
            assertThat(got.array()).isEqualTo(download);
        }
    }

    @Test
    void plainDeviceReadsSeveralQueuedPacketsPerCall() throws Exception {
        LinuxTun tun = openConfigured(false);
        assertThat(tun.offloadsEnabled()).isFalse();
        try (DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET)) {
            for (int i = 0; i < 30; i++) {
                ch.send(ByteBuffer.wrap(new byte[] {(byte) i}), new InetSocketAddress(V4_PEER, 9));
            }
            ByteBuffer[] bufs = TcpPackets.buffers(64);
            int[] sizes = new int[64];
            List<Integer> seen = new ArrayList<>();
            int maxBatch = 0;
            try (var guard = closeAfterDeadline(tun)) {
                while (seen.size() < 30) {
                    int n = tun.read(bufs, sizes, OFFSET);
                    maxBatch = Math.max(maxBatch, n);
                    for (int i = 0; i < n; i++) {
                        byte[] p = TcpPackets.bytes(bufs[i], OFFSET, sizes[i]);
                        if ((p[0] & 0xf0) == 0x40 && p[9] == 17 && p.length == 29) {
                            seen.add((int) p[28]);
                        }
                    }
                }
            }
            assertThat(seen).containsExactlyElementsOf(
                    java.util.stream.IntStream.range(0, 30).boxed().toList());
            assertThat(maxBatch).as("packets in the fullest batch").isGreaterThan(1);
        }
    }

    private LinuxTun openConfigured(boolean offloads) throws Exception {
        String name = "trt" + ProcessHandle.current().pid() + "o" + NEXT.getAndIncrement();
        names.add(name);
        LinuxTun tun = LinuxTun.open(name, offloads);
        devices.add(tun);
        LinuxNetlink nl = LinuxNetlink.INSTANCE;
        nl.setMtu(name, MTU);
        nl.addAddress(name, V4_LOCAL, 30);
        nl.addAddress(name, V6_LOCAL, 64);
        nl.setUp(name, true);
        // IPv6 local routes appear from a work queue shortly after the link goes up.
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (!ip("-6", "route", "show", "table", "local", "dev", name)
                .contains("fd7a:115c:a1e0:d3::1")) {
            assertThat(System.nanoTime()).as("IPv6 local route within %s", DEADLINE)
                    .isLessThan(end);
            Thread.sleep(1);
        }
        return tun;
    }

    @AfterEach
    void closeAndDelete() throws Exception {
        watchdog.shutdownNow();
        for (LinuxTun d : devices) {
            try {
                d.close();
            } catch (IOException e) {
                // deletion by name below is what matters
            }
        }
        for (String n : names) {
            if (!ip("link", "show", "dev", n).isEmpty()) {
                ip("link", "del", "dev", n);
            }
            assertThat(ip("link", "show", "dev", n)).as("interface %s left behind", n).isEmpty();
        }
    }

    /** Closes the device (waking a blocked read) if the block has not ended by the deadline. */
    private AutoCloseable closeAfterDeadline(LinuxTun tun) {
        var f = watchdog.schedule(() -> {
            try {
                tun.close();
            } catch (IOException e) {
                // the test fails on the closed device anyway
            }
        }, DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        return () -> f.cancel(false);
    }

    private byte[] readSingle(LinuxTun tun, Predicate<byte[]> wanted) throws Exception {
        ByteBuffer b = ByteBuffer.allocateDirect(9280);
        try (var guard = closeAfterDeadline(tun)) {
            for (;;) {
                int n = tun.read(b.clear());
                byte[] p = TcpPackets.bytes(b, 0, n);
                if (wanted.test(p)) {
                    return p;
                }
            }
        }
    }

    private static boolean isTcp(byte[] p, boolean v6) {
        return v6 ? p.length >= 60 && (p[0] & 0xf0) == 0x60 && p[6] == 6
                : p.length >= 40 && (p[0] & 0xf0) == 0x40 && p[9] == 6;
    }

    private static byte[] dst(byte[] p, boolean v6) {
        return v6 ? Arrays.copyOfRange(p, 24, 40) : Arrays.copyOfRange(p, 16, 20);
    }

    /** {@code ip ARGS}' output ("" if it failed), bounded by the deadline. */
    private static String ip(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        if (!p.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + cmd);
        }
        String out = new String(p.getInputStream().readAllBytes());
        return p.exitValue() == 0 ? out : "";
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
