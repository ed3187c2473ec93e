package dev.trellis.engine.conn;

import static dev.trellis.engine.conn.LinuxSockets.CMSG_HDR;
import static dev.trellis.engine.conn.LinuxSockets.CMSG_SPACE_INT;
import static dev.trellis.engine.conn.LinuxSockets.IOVEC;
import static dev.trellis.engine.conn.LinuxSockets.MMSGHDR;
import static dev.trellis.engine.conn.LinuxSockets.MSGHDR;
import static dev.trellis.engine.conn.LinuxSockets.SOCKADDR_IN6;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The Linux {@link Bind}: one dual-stack UDP socket driven through the FFM API so that a batch
 * moves in one system call each way. Sends of equal-sized datagrams go out as one UDP GSO
 * ({@code UDP_SEGMENT}) message; receives use {@code recvmmsg} with UDP GRO, splitting
 * coalesced datagrams back into packets. This is what lets a userspace WireGuard keep up with
 * the kernel (wireguard-go's conn/ does the same).
 */
public final class LinuxUdpBind implements Bind {
    private static final int RX_SLOTS = 16;
    private static final int RX_SLOT_SIZE = 65536;
    private static final int MAX_GSO_SEGMENTS = 64;
    private static final int MAX_GSO_BYTES = 65000;
    private static final int SOCKET_BUFFER = 8 << 20;
    private static final int CLOSED = Integer.MIN_VALUE;
    private static final long CLOSE_POLL_MILLIS = 200;

    private volatile int fd = -1;
    private final AtomicInteger users = new AtomicInteger(CLOSED);
    private volatile Thread closer;
    private volatile boolean gso = true;
    private Arena arena;
    private Receiver rx;
    private final ThreadLocal<Sender> senders = new ThreadLocal<>();
    private volatile int generation;

    /** Whether the FFM socket calls can be used here (Linux, native access granted). */
    public static boolean isSupported() {
        try {
            return System.getProperty("os.name", "").startsWith("Linux") && LinuxSockets.AF_INET6 == 10
                    && LinuxSockets.strerror(1) != null;
        } catch (Throwable t) {
            return false;
        }
    }

    @Override
    public synchronized int open(int port) throws IOException {
        if (fd >= 0) {
            throw new IllegalStateException("already open");
        }
        int s = LinuxSockets.socket(LinuxSockets.AF_INET6, LinuxSockets.SOCK_DGRAM | LinuxSockets.SOCK_CLOEXEC, 0);
        try {
            LinuxSockets.setsockoptInt(s, LinuxSockets.IPPROTO_IPV6, LinuxSockets.IPV6_V6ONLY, 0);
            if (LinuxSockets.setsockoptInt(s, LinuxSockets.SOL_SOCKET, LinuxSockets.SO_RCVBUFFORCE, SOCKET_BUFFER) != 0) {
                LinuxSockets.setsockoptInt(s, LinuxSockets.SOL_SOCKET, LinuxSockets.SO_RCVBUF, SOCKET_BUFFER);
            }
            if (LinuxSockets.setsockoptInt(s, LinuxSockets.SOL_SOCKET, LinuxSockets.SO_SNDBUFFORCE, SOCKET_BUFFER) != 0) {
                LinuxSockets.setsockoptInt(s, LinuxSockets.SOL_SOCKET, LinuxSockets.SO_SNDBUF, SOCKET_BUFFER);
            }
            boolean gro = LinuxSockets.setsockoptInt(s, LinuxSockets.SOL_UDP, LinuxSockets.UDP_GRO, 1) == 0;
            // shutdown() does not wake a reader blocked on an unconnected UDP socket, so the
            // reader wakes up now and then to notice close() (EAGAIN on timeout).
            LinuxSockets.setReceiveTimeout(s, CLOSE_POLL_MILLIS);
            Arena a = Arena.ofShared();
            MemorySegment sa = a.allocate(SOCKADDR_IN6, 8);
            sa.set(ValueLayout.JAVA_SHORT, 0, (short) LinuxSockets.AF_INET6);
            sa.set(ValueLayout.JAVA_BYTE, 2, (byte) (port >>> 8));
            sa.set(ValueLayout.JAVA_BYTE, 3, (byte) port);
            try {
                LinuxSockets.bind(s, sa, SOCKADDR_IN6);
            } catch (IOException e) {
                a.close();
                throw e;
            }
            arena = a;
            rx = new Receiver(a, gro);
            fd = s;
            generation++;
            users.set(0);
            return LinuxSockets.boundPort(s);
        } catch (IOException | RuntimeException e) {
            if (fd != s) {
                LinuxSockets.close(s);
            }
            throw e;
        }
    }

    @Override
    public int batchSize() {
        return 64;
    }

    private int enter() throws ClosedChannelException {
        for (;;) {
            int u = users.get();
            if (u < 0) {
                throw new ClosedChannelException();
            }
            if (users.compareAndSet(u, u + 1)) {
                return fd;
            }
        }
    }

    private void exit() {
        if (users.decrementAndGet() == CLOSED) {
            LockSupport.unpark(closer);
        }
    }

    @Override
    public InetSocketAddress receive(ByteBuffer dst) throws IOException {
        ByteBuffer[] bufs = {dst.slice()};
        int[] sizes = new int[1];
        InetSocketAddress[] from = new InetSocketAddress[1];
        receive(bufs, sizes, from);
        dst.position(dst.position() + sizes[0]);
        return from[0];
    }

    @Override
    public int receive(ByteBuffer[] bufs, int[] sizes, InetSocketAddress[] from) throws IOException {
        int s = enter();
        try {
            return rx.receive(s, bufs, sizes, from, users);
        } finally {
            exit();
        }
    }

    @Override
    public void send(ByteBuffer src, InetSocketAddress to) throws IOException {
        // Single sends are handshake messages, usually in heap buffers: native code needs a
        // native address, so copy through a direct buffer.
        ByteBuffer b = ByteBuffer.allocateDirect(src.remaining());
        b.put(src.duplicate()).flip();
        send(new ByteBuffer[] {b}, new int[] {b.remaining()}, 1, to);
        src.position(src.limit());
    }

    @Override
    public void send(ByteBuffer[] bufs, int[] sizes, int count, InetSocketAddress to) throws IOException {
        int s = enter();
        try {
            Sender tx = senders.get();
            if (tx == null || tx.generation != generation) {
                tx = new Sender(generation);
                senders.set(tx);
            }
            tx.send(s, bufs, sizes, count, to);
        } finally {
            exit();
        }
    }

    @Override
    public boolean setMark(int mark) {
        int s;
        try {
            s = enter();
        } catch (ClosedChannelException e) {
            return false;
        }
        try {
            return LinuxSockets.setsockoptInt(s, LinuxSockets.SOL_SOCKET, LinuxSockets.SO_MARK, mark) == 0;
        } finally {
            exit();
        }
    }

    @Override
    public synchronized void close() {
        int s = fd;
        if (s < 0) {
            return;
        }
        closer = Thread.currentThread();
        int u;
        do {
            u = users.get();
        } while (!users.compareAndSet(u, u | CLOSED));
        LinuxSockets.shutdown(s);
        while (users.get() != CLOSED) {
            LockSupport.parkNanos(this, 1_000_000L);
        }
        LinuxSockets.close(s);
        fd = -1;
        arena.close();
        arena = null;
    }

    /** Receive state: native slots for recvmmsg and the not yet handed out GRO segments. */
    private static final class Receiver {
        private final MemorySegment slots;
        private final MemorySegment msgs;
        private final MemorySegment iovs;
        private final MemorySegment names;
        private final MemorySegment controls;
        private final boolean gro;
        private final InetSocketAddress[] sources = new InetSocketAddress[RX_SLOTS];
        private final byte[][] rawSources = new byte[RX_SLOTS][18];
        private final byte[] scratch = new byte[18];
        private final java.util.IdentityHashMap<ByteBuffer, MemorySegment> segments = new java.util.IdentityHashMap<>();
        private int pendingCount;
        private int slot;
        private int offset;
        private int remaining;
        private int segment;

        Receiver(Arena a, boolean gro) {
            this.gro = gro;
            slots = a.allocate((long) RX_SLOTS * RX_SLOT_SIZE, 64);
            msgs = a.allocate((long) RX_SLOTS * MMSGHDR, 8);
            iovs = a.allocate((long) RX_SLOTS * IOVEC, 8);
            names = a.allocate((long) RX_SLOTS * SOCKADDR_IN6, 8);
            controls = a.allocate((long) RX_SLOTS * CMSG_SPACE_INT, 8);
            for (int i = 0; i < RX_SLOTS; i++) {
                long m = (long) i * MMSGHDR;
                msgs.set(ValueLayout.JAVA_LONG, m, names.address() + (long) i * SOCKADDR_IN6);
                msgs.set(ValueLayout.JAVA_LONG, m + 16, iovs.address() + (long) i * IOVEC);
                msgs.set(ValueLayout.JAVA_LONG, m + 24, 1L);
                msgs.set(ValueLayout.JAVA_LONG, m + 32, controls.address() + (long) i * CMSG_SPACE_INT);
                iovs.set(ValueLayout.JAVA_LONG, (long) i * IOVEC, slots.address() + (long) i * RX_SLOT_SIZE);
                iovs.set(ValueLayout.JAVA_LONG, (long) i * IOVEC + 8, RX_SLOT_SIZE);
            }
        }

        int receive(int fd, ByteBuffer[] bufs, int[] sizes, InetSocketAddress[] from, AtomicInteger users)
                throws IOException {
            while (true) {
                if (pendingCount == 0 && remaining == 0) {
                    fill(fd, users);
                }
                int count = 0;
                while (count < bufs.length && (remaining > 0 || pendingCount > 0)) {
                    if (remaining == 0) {
                        nextSlot();
                        continue;
                    }
                    int len = Math.min(segment, remaining);
                    MemorySegment dst = segmentOf(bufs[count]);
                    int copy = (int) Math.min(len, dst.byteSize());
                    MemorySegment.copy(slots, (long) slot * RX_SLOT_SIZE + offset, dst, 0, copy);
                    sizes[count] = copy;
                    from[count] = sources[slot];
                    count++;
                    offset += len;
                    remaining -= len;
                }
                if (count > 0) {
                    return count;
                }
            }
        }

        /** One recvmmsg: blocks until at least one datagram, or close() (checked on each wake-up). */
        private void fill(int fd, AtomicInteger users) throws IOException {
            while (true) {
                for (int i = 0; i < RX_SLOTS; i++) {
                    long m = (long) i * MMSGHDR;
                    msgs.set(ValueLayout.JAVA_INT, m + 8, SOCKADDR_IN6);
                    msgs.set(ValueLayout.JAVA_LONG, m + 40, gro ? CMSG_SPACE_INT : 0L);
                    msgs.set(ValueLayout.JAVA_INT, m + 48, 0);
                }
                int n = LinuxSockets.recvmmsg(fd, msgs.address(), RX_SLOTS, LinuxSockets.MSG_WAITFORONE);
                // After shutdown() an unconnected UDP socket yields empty "messages" without a
                // source (or EAGAIN at the receive timeout): either way, look at the state first.
                if (users.get() < 0) {
                    throw new ClosedChannelException();
                }
                if (n < 0) {
                    if (-n == LinuxSockets.EINTR || -n == LinuxSockets.EAGAIN) {
                        continue;
                    }
                    throw LinuxSockets.failure("recvmmsg", -n);
                }
                if (n > 0) {
                    pendingCount = n;
                    slot = -1;
                    return;
                }
            }
        }

        /**
         * A segment over the whole of {@code b} (index 0 to capacity). The pool hands the same
         * buffers back again and again, so segments are remembered by identity: none is made
         * per packet.
         */
        private MemorySegment segmentOf(ByteBuffer b) {
            MemorySegment seg = segments.get(b);
            if (seg == null) {
                if (segments.size() >= 16384) {
                    segments.clear(); // buffers that left the pool must not be pinned here
                }
                seg = MemorySegment.ofBuffer(b.duplicate().clear());
                segments.put(b, seg);
            }
            return seg;
        }

        /** Moves to the next received message and decodes its length, GRO size and source. */
        private void nextSlot() {
            slot++;
            pendingCount--;
            long m = (long) slot * MMSGHDR;
            int len = msgs.get(ValueLayout.JAVA_INT, m + 56);
            int seg = len;
            long ctlLen = msgs.get(ValueLayout.JAVA_LONG, m + 40);
            if (gro && ctlLen >= CMSG_HDR + 2) {
                long c = (long) slot * CMSG_SPACE_INT;
                int level = controls.get(ValueLayout.JAVA_INT, c + 8);
                int type = controls.get(ValueLayout.JAVA_INT, c + 12);
                if (level == LinuxSockets.SOL_UDP && type == LinuxSockets.UDP_GRO) {
                    int g = controls.get(ValueLayout.JAVA_SHORT, c + 16) & 0xffff;
                    if (g > 0) {
                        seg = g;
                    }
                }
            }
            offset = 0;
            int nameLen = msgs.get(ValueLayout.JAVA_INT, m + 8);
            remaining = nameLen == 0 ? 0 : len; // no source: nothing to deliver
            segment = Math.max(1, seg);
            sources[slot] = nameLen == 0 ? null : decodeSource(slot);
        }

        private InetSocketAddress decodeSource(int i) {
            long base = (long) i * SOCKADDR_IN6;
            byte[] raw = scratch;
            MemorySegment.copy(names, ValueLayout.JAVA_BYTE, base + 2, raw, 0, 2);
            MemorySegment.copy(names, ValueLayout.JAVA_BYTE, base + 8, raw, 2, 16);
            // Reuse the address object of an earlier message from the same source: a steady
            // stream from one peer allocates nothing here.
            for (int k = 0; k < RX_SLOTS; k++) {
                if (sources[k] != null && java.util.Arrays.equals(rawSources[k], raw)) {
                    System.arraycopy(raw, 0, rawSources[i], 0, raw.length);
                    return sources[k];
                }
            }
            System.arraycopy(raw, 0, rawSources[i], 0, raw.length);
            return toSocketAddress(raw);
        }
    }

    static InetSocketAddress toSocketAddress(byte[] raw) {
        int port = ((raw[0] & 0xff) << 8) | (raw[1] & 0xff);
        byte[] ip = java.util.Arrays.copyOfRange(raw, 2, 18);
        try {
            boolean mapped = true;
            for (int k = 0; k < 10; k++) {
                mapped &= ip[k] == 0;
            }
            mapped &= ip[10] == (byte) 0xff && ip[11] == (byte) 0xff;
            InetAddress a = mapped ? InetAddress.getByAddress(java.util.Arrays.copyOfRange(ip, 12, 16))
                    : InetAddress.getByAddress(ip);
            return new InetSocketAddress(a, port);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** Per-thread send state: a msghdr, iovecs, the destination and a control message. */
    private final class Sender {
        final int generation;
        private final Arena arena = Arena.ofAuto();
        private final MemorySegment msg = arena.allocate(MSGHDR, 8);
        private final MemorySegment iov = arena.allocate((long) MAX_GSO_SEGMENTS * IOVEC, 8);
        private final MemorySegment name = arena.allocate(SOCKADDR_IN6, 8);
        private final MemorySegment control = arena.allocate(CMSG_SPACE_INT, 8);
        private InetSocketAddress lastTo;
        private final java.util.IdentityHashMap<ByteBuffer, Long> addresses = new java.util.IdentityHashMap<>();

        Sender(int generation) {
            this.generation = generation;
        }

        void send(int fd, ByteBuffer[] bufs, int[] sizes, int count, InetSocketAddress to) throws IOException {
            if (to != lastTo) {
                encode(to);
                lastTo = to;
            }
            int i = 0;
            while (i < count) {
                int seg = sizes[i];
                int n = 1;
                int total = seg;
                if (gso) {
                    // equal sizes, the last of a run may be shorter
                    while (i + n < count && n < MAX_GSO_SEGMENTS && total + sizes[i + n] <= MAX_GSO_BYTES
                            && sizes[i + n] <= seg) {
                        total += sizes[i + n];
                        n++;
                        if (sizes[i + n - 1] < seg) {
                            break;
                        }
                    }
                }
                sendRun(fd, bufs, sizes, i, n, seg);
                i += n;
            }
        }

        private void sendRun(int fd, ByteBuffer[] bufs, int[] sizes, int from, int n, int seg) throws IOException {
            for (int k = 0; k < n; k++) {
                long v = (long) k * IOVEC;
                iov.set(ValueLayout.JAVA_LONG, v, baseAddress(bufs[from + k]));
                iov.set(ValueLayout.JAVA_LONG, v + 8, sizes[from + k]);
            }
            msg.set(ValueLayout.JAVA_LONG, 0, name.address());
            msg.set(ValueLayout.JAVA_INT, 8, SOCKADDR_IN6);
            msg.set(ValueLayout.JAVA_LONG, 16, iov.address());
            msg.set(ValueLayout.JAVA_LONG, 24, n);
            if (n > 1) {
                control.set(ValueLayout.JAVA_LONG, 0, CMSG_HDR + 2);
                control.set(ValueLayout.JAVA_INT, 8, LinuxSockets.SOL_UDP);
                control.set(ValueLayout.JAVA_INT, 12, LinuxSockets.UDP_SEGMENT);
                control.set(ValueLayout.JAVA_SHORT, 16, (short) seg);
                msg.set(ValueLayout.JAVA_LONG, 32, control.address());
                msg.set(ValueLayout.JAVA_LONG, 40, CMSG_SPACE_INT);
            } else {
                msg.set(ValueLayout.JAVA_LONG, 32, 0L);
                msg.set(ValueLayout.JAVA_LONG, 40, 0L);
            }
            msg.set(ValueLayout.JAVA_INT, 48, 0);
            while (true) {
                long r = LinuxSockets.sendmsg(fd, msg.address(), 0);
                if (r >= 0) {
                    return;
                }
                int err = (int) -r;
                if (err == LinuxSockets.EINTR) {
                    continue;
                }
                if (n > 1 && (err == LinuxSockets.EIO || err == LinuxSockets.EINVAL)) {
                    gso = false; // no UDP GSO on this path: fall back to one message each
                    for (int k = 0; k < n; k++) {
                        sendRun(fd, bufs, sizes, from + k, 1, sizes[from + k]);
                    }
                    return;
                }
                throw LinuxSockets.failure("sendmsg", err);
            }
        }

        /**
         * The native address of a direct buffer's index 0. Pooled buffers come back again and
         * again, so their addresses are remembered (by identity): no segment object per packet.
         */
        private long baseAddress(ByteBuffer b) {
            Long cached = addresses.get(b);
            if (cached != null) {
                return cached;
            }
            if (!b.isDirect()) {
                throw new IllegalArgumentException("batched sends need direct buffers");
            }
            if (addresses.size() >= 16384) {
                addresses.clear(); // buffers that left the pool must not be pinned here forever
            }
            long a = MemorySegment.ofBuffer(b).address() - b.position();
            addresses.put(b, a);
            return a;
        }

        private void encode(InetSocketAddress to) {
            name.fill((byte) 0);
            name.set(ValueLayout.JAVA_SHORT, 0, (short) LinuxSockets.AF_INET6);
            int port = to.getPort();
            name.set(ValueLayout.JAVA_BYTE, 2, (byte) (port >>> 8));
            name.set(ValueLayout.JAVA_BYTE, 3, (byte) port);
            byte[] ip = to.getAddress().getAddress();
            if (to.getAddress() instanceof Inet4Address) {
                name.set(ValueLayout.JAVA_BYTE, 18, (byte) 0xff);
                name.set(ValueLayout.JAVA_BYTE, 19, (byte) 0xff);
                MemorySegment.copy(ip, 0, name, ValueLayout.JAVA_BYTE, 20, 4);
            } else {
                MemorySegment.copy(ip, 0, name, ValueLayout.JAVA_BYTE, 8, 16);
                if (to.getAddress() instanceof java.net.Inet6Address v6) {
                    name.set(ValueLayout.JAVA_INT, 24, v6.getScopeId());
                }
            }
        }
    }
}
