package dev.trellis.tun.linux;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import dev.trellis.tun.TunDevice;
import dev.trellis.tun.TunOffloads;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Linux TUN device: {@code /dev/net/tun} attached with {@code TUNSETIFF} as
 * {@code IFF_TUN | IFF_NO_PI}, so each read or write is exactly one IP packet.
 *
 * <p>Offloads (unless {@code TRELLIS_TUN_OFFLOAD=0}): also {@code IFF_VNET_HDR} with a
 * 10-byte {@link VirtioNetHdr} and {@code TUNSETOFFLOAD} checksum and TSO4/TSO6. The kernel then
 * hands over TCP super-packets of up to 64 KiB and packets with partial checksums; reads go
 * through one internal buffer and {@link TcpSegmenter} turns them into finished packets (pending
 * segments carry over to the next read). Batch writes merge runs of one TCP flow with
 * {@link TcpCoalescer}; other packets get a zeroed header in the caller's headroom. If the
 * kernel refuses the offloads, the device is reopened plain (logged at debug) and
 * {@link #offloadsEnabled()} says so. Batch reads also drain the queue without blocking, so a
 * plain device returns several packets per call as well.
 *
 * <p>The descriptor is non-blocking. A read first tries {@code read(2)} and only on
 * {@code EAGAIN} waits in {@code poll(2)} on the TUN descriptor <em>and</em> an eventfd that
 * {@link #close()} signals: that is how close wakes a blocked reader, since closing a descriptor
 * does not wake a thread polling it. Both descriptors live until the last thread inside a call
 * has left ({@link CloseGuard}), so a number is never reused under a reader or writer.
 *
 * <p>Steady-state reads and writes of direct buffers allocate nothing: addresses come from
 * {@link DirectBuffers} (uncached for batches, whose buffers come from pools larger than its
 * cache), the reader's pollfd array and offload buffer are allocated once, writers' scratch
 * buffers once per thread, and errno is read only after a failed call. Heap buffers are copied
 * through a per-thread direct buffer.
 *
 * <p>Longer than this project's usual file: the single and batch paths share the descriptor
 * discipline (guard, poll, errno), which is clearer in one place than spread over classes; the
 * packet logic itself lives in {@link TcpSegmenter} and {@link TcpCoalescer}.
 */
final class LinuxTun implements TunDevice, TunOffloads {

    static final String DEVICE = "/dev/net/tun";

    static final short IFF_TUN = 0x0001;
    static final short IFF_NO_PI = 0x1000;
    /** {@code _IOW('T', 202, int)}: the encoding on x86-64, AArch64 and RISC-V. */
    static final long TUNSETIFF = 0x400454caL;
    /** The most packets a batch read returns; wireguard-go's IdealBatchSize. */
    static final int BATCH = 64;
    /** A virtio header and the largest packet the kernel hands over (64 KiB GSO limit). */
    private static final int OFFLOAD_BUFFER = VirtioNetHdr.SIZE + 65536 + 64;
    private static final System.Logger LOG = System.getLogger("trellis.tun");

    static final int O_RDWR = 2;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;
    static final int EFD_NONBLOCK = 0x800;
    static final int EFD_CLOEXEC = 0x80000;
    static final short POLLIN = 0x1;
    static final short POLLOUT = 0x4;
    /** {@code struct pollfd}: int fd, short events, short revents. */
    private static final int POLLFD_SIZE = 8;

    private final String name;
    private final int fd;
    private final int wakeFd;
    private final CloseGuard guard = new CloseGuard();
    /** {tun, POLLIN}, {eventfd, POLLIN}; the kernel writes only revents, which we never read. */
    private final Memory readPollFds;
    private final long readPollFdsAddress;
    /** The 8-byte counter increment written to the eventfd by close. */
    private final Memory wakeValue;
    private final boolean offloads;
    /** Offloads only, reader thread only: what one read(2) returned, and its address. */
    private final ByteBuffer readBuffer;
    private final long readAddress;
    private final TcpSegmenter segmenter = new TcpSegmenter();
    /** Offloads only: per writer thread, room for a virtio header and the largest packet. */
    private final ThreadLocal<Scratch> scratch;
    private final LongAdder superPacketsWritten = new LongAdder();
    private final LongAdder superPacketsRefused = new LongAdder();

    private record Scratch(ByteBuffer buffer, long address) {
        static Scratch allocate() {
            ByteBuffer b = ByteBuffer.allocateDirect(
                    VirtioNetHdr.SIZE + DirectBuffers.MAX_PACKET);
            return new Scratch(b, DirectBuffers.uncachedAddress(b));
        }
    }

    /**
     * Opens and attaches a TUN device, with offloads unless {@value TunAttach#OFFLOAD_ENV} is
     * 0; see {@link dev.trellis.tun.TunProvider#open}.
     */
    static LinuxTun open(String requestedName) throws IOException {
        return TunAttach.open(requestedName);
    }

    /** Opens with offloads if {@code offloads} and the kernel agrees, else plain. */
    static LinuxTun open(String requestedName, boolean offloads) throws IOException {
        return TunAttach.open(requestedName, offloads);
    }

    /** Takes over attached descriptors; see {@link TunAttach}. */
    LinuxTun(String name, int fd, int wakeFd, boolean offloads) {
        this.name = name;
        this.fd = fd;
        this.wakeFd = wakeFd;
        this.offloads = offloads;
        this.readBuffer = offloads ? ByteBuffer.allocateDirect(OFFLOAD_BUFFER) : null;
        this.readAddress = offloads ? DirectBuffers.uncachedAddress(readBuffer) : 0;
        this.scratch = offloads ? ThreadLocal.withInitial(Scratch::allocate) : null;
        this.readPollFds = pollFds(fd, POLLIN, wakeFd);
        this.readPollFdsAddress = Pointer.nativeValue(readPollFds);
        this.wakeValue = new Memory(8);
        wakeValue.setLong(0, 1L);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int mtu() throws IOException {
        guard.enter();
        try {
            return LinuxNetlink.INSTANCE.mtu(name);
        } finally {
            guard.exit();
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int room = dst.remaining();
        if (room == 0) {
            throw new IllegalArgumentException("no room in the read buffer: give at least mtu()"
                    + " bytes");
        }
        if (dst.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        if (offloads) {
            return readOffloaded(dst, room);
        }
        if (!dst.isDirect()) {
            return readThroughBounce(dst);
        }
        int pos = dst.position();
        guard.enter();
        try {
            int n = readPacket(DirectBuffers.baseAddress(dst) + pos, room);
            dst.position(pos + n);
            return n;
        } finally {
            guard.exit();
        }
    }

    private int readThroughBounce(ByteBuffer dst) throws IOException {
        ByteBuffer bounce = DirectBuffers.bounce();
        int pos = dst.position();
        int room = Math.min(dst.remaining(), bounce.capacity());
        int n;
        guard.enter();
        try {
            n = readPacket(DirectBuffers.baseAddress(bounce), room);
        } finally {
            guard.exit();
        }
        dst.put(pos, bounce, 0, n);
        dst.position(pos + n);
        return n;
    }

    /** One packet, a whole one or the next segment of a super-packet; one per call. */
    private int readOffloaded(ByteBuffer dst, int room) throws IOException {
        int pos = dst.position();
        guard.enter();
        try {
            for (;;) {
                int n = segmenter.pending() ? segmenter.emit(dst, pos, room) : -1;
                if (n >= 0) {
                    dst.position(pos + n);
                    return n;
                }
                if (!segmenter.pending()) {
                    segmenter.load(readBuffer, 0, readPacket(readAddress, OFFLOAD_BUFFER));
                }
            }
        } finally {
            guard.exit();
        }
    }

    @Override
    public int batchSize() {
        return BATCH;
    }

    /**
     * Blocks for the first packet, then takes what else is queued without blocking. With
     * offloads, segments of a super-packet that do not fit in {@code bufs} are returned by the
     * next call; a segment longer than its buffer's room is dropped (counted), a plain packet
     * is cut as by {@link #read(ByteBuffer)}. Not concurrently with another read.
     */
    @Override
    public int read(ByteBuffer[] bufs, int[] sizes, int offset) throws IOException {
        int max = Math.min(Math.min(bufs.length, sizes.length), BATCH);
        if (max == 0) {
            throw new IllegalArgumentException("no buffers to read into");
        }
        for (int i = 0; i < max; i++) {
            if (offset < 0 || bufs[i].capacity() - offset <= 0) {
                throw new IllegalArgumentException("no room in buffer " + i + " after offset "
                        + offset + ": give at least mtu() bytes");
            }
            if (bufs[i].isReadOnly()) {
                throw new ReadOnlyBufferException();
            }
        }
        guard.enter();
        try {
            return offloads ? readBatchOffloaded(bufs, sizes, offset, max)
                    : readBatchPlain(bufs, sizes, offset, max);
        } finally {
            guard.exit();
        }
    }

    private int readBatchOffloaded(ByteBuffer[] bufs, int[] sizes, int offset, int max)
            throws IOException {
        int i = 0;
        while (i < max) {
            if (segmenter.pending()) {
                int n = segmenter.emit(bufs[i], offset, bufs[i].capacity() - offset);
                if (n >= 0) {
                    sizes[i++] = n;
                }
                continue;
            }
            int n = i == 0 ? readPacket(readAddress, OFFLOAD_BUFFER)
                    : readQueued(readAddress, OFFLOAD_BUFFER);
            if (n < 0) {
                break;
            }
            segmenter.load(readBuffer, 0, n);
        }
        return i;
    }

    private int readBatchPlain(ByteBuffer[] bufs, int[] sizes, int offset, int max)
            throws IOException {
        for (int i = 0; i < max; i++) {
            ByteBuffer b = bufs[i];
            int room = b.capacity() - offset;
            boolean direct = b.isDirect();
            ByteBuffer target = direct ? b : DirectBuffers.bounce();
            long address = direct ? DirectBuffers.uncachedAddress(b) + offset
                    : DirectBuffers.baseAddress(target);
            room = direct ? room : Math.min(room, target.capacity());
            int n = i == 0 ? readPacket(address, room) : readQueued(address, room);
            if (n < 0) {
                return i;
            }
            if (!direct) {
                b.put(offset, target, 0, n);
            }
            sizes[i] = n;
        }
        return max;
    }

    /** Reads one packet into native memory, blocking; call inside the guard. */
    private int readPacket(long address, int length) throws IOException {
        for (;;) {
            int n = readQueued(address, length);
            if (n >= 0) {
                return n;
            }
            int errno = Native.getLastError();
            if (errno == Errno.EAGAIN) {
                await(readPollFdsAddress);
            } else if (errno != Errno.EINTR) {
                throw ioFailure("read", errno);
            }
        }
    }

    /**
     * Reads one packet if one is queued; -1 if not or on an error, which the caller either
     * reports (errno is still set) or leaves for the next blocking read to meet again.
     */
    private int readQueued(long address, int length) {
        for (;;) {
            long n = LibC.read(fd, address, length);
            if (n >= 0) {
                // The driver copies at most length bytes but may report the packet's full
                // length when it had to cut it; what the caller holds is what fitted.
                return (int) Math.min(n, length);
            }
            if (Native.getLastError() != Errno.EINTR) {
                return -1;
            }
        }
    }

    @Override
    public void write(ByteBuffer src) throws IOException {
        int length = src.remaining();
        if (length == 0) {
            throw new IllegalArgumentException("empty packet: a TUN write needs an IP header");
        }
        if (length > DirectBuffers.MAX_PACKET) {
            throw new IllegalArgumentException("packet of " + length + " bytes is larger than"
                    + " any IP packet (" + DirectBuffers.MAX_PACKET + ")");
        }
        int offset = src.position();
        if (offloads) {
            // No headroom in front of src is promised, so the header goes in a copy.
            Scratch s = scratch.get();
            VirtioNetHdr.putNone(s.buffer(), 0);
            s.buffer().put(VirtioNetHdr.SIZE, src, offset, length);
            guard.enter();
            try {
                writePacket(s.address(), VirtioNetHdr.SIZE + length);
            } finally {
                guard.exit();
            }
            src.position(src.limit());
            return;
        }
        ByteBuffer direct = src;
        if (!src.isDirect()) {
            direct = DirectBuffers.bounce();
            direct.put(0, src, offset, length);
            offset = 0;
        }
        guard.enter();
        try {
            writePacket(DirectBuffers.baseAddress(direct) + offset, length);
        } finally {
            guard.exit();
        }
        src.position(src.limit());
    }

    /**
     * Writes the packets, with offloads merging runs of one TCP flow ({@link TcpCoalescer}) and
     * writing other packets from the caller's buffer with a virtio header put in the
     * {@code offset >= 10} bytes in front (which this overwrites). A packet the kernel rejects
     * does not stop the rest: the first such failure is thrown after all were tried.
     */
    @Override
    public void write(ByteBuffer[] bufs, int[] sizes, int count, int offset) throws IOException {
        if (count < 0 || count > bufs.length || count > sizes.length) {
            throw new IllegalArgumentException("count " + count + " for " + bufs.length
                    + " buffers and " + sizes.length + " sizes");
        }
        for (int i = 0; i < count; i++) {
            if (sizes[i] <= 0 || sizes[i] > DirectBuffers.MAX_PACKET || offset < 0
                    || offset + sizes[i] > bufs[i].capacity()) {
                throw new IllegalArgumentException("packet " + i + " of " + sizes[i]
                        + " bytes at " + offset + " does not fit " + bufs[i]);
            }
        }
        IOException failure = null;
        guard.enter();
        try {
            int i = 0;
            while (i < count) {
                int n = offloads ? TcpCoalescer.run(bufs, sizes, i, count, offset) : 1;
                try {
                    if (n > 1) {
                        writeSuperPacket(bufs, sizes, i, n, offset);
                    } else {
                        writeOne(bufs[i], offset, sizes[i]);
                    }
                } catch (ClosedChannelException e) {
                    throw e;
                } catch (IOException e) {
                    if (failure == null) {
                        failure = e;
                    }
                }
                i += n;
            }
        } finally {
            guard.exit();
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Writes a run as one super-packet; should the kernel refuse it, the segments one by one,
     * so that a kernel quirk costs speed, not data. Inside the guard.
     */
    private void writeSuperPacket(ByteBuffer[] bufs, int[] sizes, int first, int n, int offset)
            throws IOException {
        Scratch s = scratch.get();
        int length = TcpCoalescer.build(bufs, sizes, first, n, offset, s.buffer());
        try {
            writePacket(s.address(), length);
            superPacketsWritten.increment();
            return;
        } catch (ClosedChannelException e) {
            throw e;
        } catch (IOException e) {
            superPacketsRefused.increment();
            LOG.log(Level.DEBUG, () -> "TUN device " + name + " refused a super-packet of " + n
                    + " segments, writing them singly: " + e.getMessage());
        }
        for (int j = first; j < first + n; j++) {
            writeOne(bufs[j], offset, sizes[j]);
        }
    }

    /** One packet of a batch, from the caller's buffer where possible; inside the guard. */
    private void writeOne(ByteBuffer b, int offset, int length) throws IOException {
        int header = offloads ? VirtioNetHdr.SIZE : 0;
        if (b.isDirect() && !b.isReadOnly() && offset >= header) {
            if (offloads) {
                VirtioNetHdr.putNone(b, offset - header);
            }
            writePacket(DirectBuffers.uncachedAddress(b) + offset - header, header + length);
            return;
        }
        if (offloads) {
            Scratch s = scratch.get();
            VirtioNetHdr.putNone(s.buffer(), 0);
            s.buffer().put(header, b, offset, length);
            writePacket(s.address(), header + length);
        } else {
            ByteBuffer bounce = DirectBuffers.bounce();
            bounce.put(0, b, offset, length);
            writePacket(DirectBuffers.baseAddress(bounce), length);
        }
    }

    /** Writes one packet from native memory; call inside the guard. */
    private void writePacket(long address, int length) throws IOException {
        for (;;) {
            long n = LibC.write(fd, address, length);
            if (n == length) {
                return;
            }
            if (n >= 0) {
                // The TUN driver takes a packet whole or not at all; anything else is a bug.
                throw new IOException("write to TUN device " + name + " accepted " + n + " of "
                        + length + " bytes");
            }
            int errno = Native.getLastError();
            if (errno == Errno.EAGAIN) {
                // Rare (the socket send buffer is full): a one-off pollfd array is fine here,
                // and the reader's shared one cannot be used since it waits for POLLIN.
                try (Memory fds = pollFds(fd, POLLOUT, wakeFd)) {
                    await(Pointer.nativeValue(fds));
                }
            } else if (errno != Errno.EINTR) {
                throw ioFailure("write", errno);
            }
        }
    }

    /**
     * Waits in poll(2) until the TUN descriptor is ready or close() signalled the eventfd;
     * throws ClosedChannelException in the latter case. Call inside the guard.
     */
    private void await(long pollFds) throws IOException {
        int r = LibC.poll(pollFds, 2, -1);
        if (r < 0) {
            int errno = Native.getLastError();
            if (errno != Errno.EINTR) {
                throw ioFailure("poll", errno);
            }
        }
        if (guard.isClosed()) {
            throw new ClosedChannelException();
        }
    }

    @Override
    public boolean offloadsEnabled() {
        return offloads;
    }

    @Override
    public long superPacketsSplit() {
        return segmenter.superPackets();
    }

    @Override
    public long superPacketsWritten() {
        return superPacketsWritten.sum();
    }

    /** Super-packets the kernel refused (then written as segments); 0 unless a quirk. */
    long superPacketsRefused() {
        return superPacketsRefused.sum();
    }

    @Override
    public long malformedDropped() {
        return segmenter.dropped();
    }

    @Override
    public void close() throws IOException {
        guard.close(this::wakeUsers, this::releaseDescriptors);
    }

    private void wakeUsers() {
        // Adds 1 to the eventfd counter; it stays readable, so every current and later poll
        // returns at once. It cannot fail: the counter is far from overflowing.
        LibC.write(wakeFd, Pointer.nativeValue(wakeValue), 8);
    }

    private void releaseDescriptors() throws IOException {
        // Closing the TUN descriptor deletes the (non-persistent) interface.
        int r = LibC.close(fd);
        int errno = r < 0 ? Native.getLastError() : 0;
        LibC.close(wakeFd);
        readPollFds.close();
        wakeValue.close();
        if (r < 0) {
            throw new IOException("close TUN device " + name + ": " + Errno.describe(errno));
        }
    }

    private static Memory pollFds(int fd, short events, int wakeFd) {
        Memory m = new Memory(2L * POLLFD_SIZE);
        m.clear();
        m.setInt(0, fd);
        m.setShort(4, events);
        m.setInt(POLLFD_SIZE, wakeFd);
        m.setShort(POLLFD_SIZE + 4, POLLIN);
        return m;
    }

    private IOException ioFailure(String call, int errno) {
        String hint = switch (errno) {
            case Errno.EBADFD -> "the interface was deleted (e.g. 'ip link del " + name
                    + "'); close this device and open a new one";
            case 5 -> "the interface is down; bring it up before writing"; // EIO
            case Errno.EINVAL -> call.equals("write")
                    ? "the kernel rejected the packet: it must begin with a valid IPv4 or IPv6"
                            + " header"
                    : "";
            default -> Errno.generalHint(errno);
        };
        return new IOException(call + " on TUN device " + name + ": " + Errno.describe(errno)
                + (hint.isEmpty() ? "" : "; " + hint));
    }

    @Override
    public String toString() {
        return "LinuxTun[" + name + (offloads ? ", offloads" : "")
                + (guard.isClosed() ? ", closed]" : "]");
    }
}
