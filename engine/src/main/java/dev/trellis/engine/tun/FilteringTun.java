package dev.trellis.engine.tun;

import dev.trellis.engine.filter.PacketFilter;
import dev.trellis.tun.TunDevice;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The TUN device the WireGuard Device is given instead of the real one (Tailscale's
 * {@code tstun.Wrapper}). Packets written (from peers, to the OS) pass the current
 * {@link PacketFilter}'s {@code inbound} check; dropped ones are left out and nothing else
 * changes. Packets read (from the OS, to peers) are shown to the filter's {@code outbound} so
 * that it tracks this node's flows, and those addressed to a local {@link UdpService} are taken
 * out and answered here.
 *
 * <p>Thread-safety as {@link TunDevice}: one reader thread, any number of writers. The filter
 * is swapped atomically; each packet (and each write batch) is judged by one filter version.
 */
public final class FilteringTun implements TunDevice {
    private final TunDevice tun;
    private final LocalServices services;
    private volatile PacketFilter filter;

    /** Wraps {@code tun}, judging with {@code filter} until {@link #setFilter} says otherwise. */
    public FilteringTun(TunDevice tun, PacketFilter filter) {
        this.tun = Objects.requireNonNull(tun, "tun");
        this.filter = Objects.requireNonNull(filter, "filter");
        this.services = new LocalServices(tun);
    }

    /** Replaces the filter for all packets from now on. */
    public void setFilter(PacketFilter filter) {
        this.filter = Objects.requireNonNull(filter, "filter");
    }

    public PacketFilter filter() {
        return filter;
    }

    /**
     * Answers UDP datagrams the OS sends to {@code address} (a specific unicast address and
     * port, e.g. 100.100.100.100:53) with {@code service}. Throws
     * {@link IllegalArgumentException} if the address is unresolved, a wildcard, multicast,
     * has port 0, or already has a service. Any other packet to the same IP address (another
     * port, another protocol) is dropped and counted as refused, never sent to a peer.
     */
    public void addUdpService(InetSocketAddress address, UdpService service) {
        services.add(address, service);
    }

    /** Removes the service at {@code address}; returns whether there was one. */
    public boolean removeUdpService(InetSocketAddress address) {
        return services.remove(address);
    }

    public ServiceStats serviceStats() {
        return services.stats();
    }

    @Override
    public String name() {
        return tun.name();
    }

    @Override
    public int mtu() throws IOException {
        return tun.mtu();
    }

    @Override
    public int batchSize() {
        return tun.batchSize();
    }

    /** Reads the next packet that is not for a local service (an empty one is skipped). */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        int start = dst.position();
        for (;;) {
            dst.position(start);
            int n = tun.read(dst);
            if (n <= 0 || services.handle(dst, start, n)) {
                continue;
            }
            filter.outbound(dst, start, n);
            return n;
        }
    }

    /**
     * Reads a batch and takes out the packets for local services (and empty ones), reading
     * again if none is left: never returns 0. Kept packets move down to close the gaps by
     * copying their bytes, never the buffers, because a caller pairs {@code bufs[i]} with its
     * own per-slot state.
     */
    @Override
    public int read(ByteBuffer[] bufs, int[] sizes, int offset) throws IOException {
        for (;;) {
            int n = tun.read(bufs, sizes, offset);
            PacketFilter f = filter;
            int kept = 0;
            for (int i = 0; i < n; i++) {
                int size = sizes[i];
                if (size <= 0) {
                    continue;
                }
                ByteBuffer b = readable(bufs[i], offset + size);
                if (services.handle(b, offset, size)) {
                    continue;
                }
                f.outbound(b, offset, size);
                if (kept != i) {
                    readable(bufs[kept], offset + size).put(offset, b, offset, size);
                }
                sizes[kept++] = size;
            }
            if (kept > 0) {
                return kept;
            }
        }
    }

    /** Writes the packet if the filter accepts it; either way the position ends at the limit. */
    @Override
    public void write(ByteBuffer src) throws IOException {
        if (filter.inbound(src, src.position(), src.remaining()).accepted()) {
            tun.write(src);
        } else {
            src.position(src.limit());
        }
    }

    /**
     * Writes the packets the filter accepts. With none dropped the caller's arrays go to the
     * real TUN as they are; otherwise compacted copies of the arrays do (buffer contents are
     * never touched), and an all-dropped batch writes nothing.
     */
    @Override
    public void write(ByteBuffer[] bufs, int[] sizes, int count, int offset) throws IOException {
        if (count < 0 || count > bufs.length || count > sizes.length) {
            throw new IllegalArgumentException("count " + count + " for " + bufs.length
                    + " buffers and " + sizes.length + " sizes");
        }
        PacketFilter f = filter;
        int i = 0;
        while (i < count && accepts(f, bufs[i], offset, sizes[i])) {
            i++;
        }
        if (i == count) {
            tun.write(bufs, sizes, count, offset);
            return;
        }
        ByteBuffer[] keptBufs = new ByteBuffer[count - 1];
        int[] keptSizes = new int[count - 1];
        System.arraycopy(bufs, 0, keptBufs, 0, i);
        System.arraycopy(sizes, 0, keptSizes, 0, i);
        int kept = i;
        for (i++; i < count; i++) {
            if (accepts(f, bufs[i], offset, sizes[i])) {
                keptBufs[kept] = bufs[i];
                keptSizes[kept++] = sizes[i];
            }
        }
        if (kept > 0) {
            tun.write(keptBufs, keptSizes, kept, offset);
        }
    }

    private static boolean accepts(PacketFilter f, ByteBuffer b, int offset, int size) {
        return f.inbound(readable(b, offset + size), offset, size).accepted();
    }

    /**
     * The buffer itself, or a view with its limit at the capacity when the caller's limit lies
     * before {@code end}: batch calls address bytes by absolute index regardless of limits.
     */
    private static ByteBuffer readable(ByteBuffer b, int end) {
        return end <= b.limit() ? b : b.duplicate().clear();
    }

    @Override
    public void close() throws IOException {
        tun.close();
    }

    @Override
    public String toString() {
        return "FilteringTun[" + tun.name() + ", " + filter + "]";
    }
}
