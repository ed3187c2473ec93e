package dev.trellis.engine.tun;

import dev.trellis.tun.TunDevice;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The UDP services registered on a {@link FilteringTun}: picks the OS's packets for them out of
 * the read path, hands the datagrams over and writes replies to the real TUN. Registration is
 * copy-on-write; the per-packet check is a scan of the (few) service addresses.
 */
final class LocalServices {
    private static final System.Logger LOG = System.getLogger("trellis.tun.services");

    private record Entry(byte[] address, int port, InetSocketAddress socketAddress, UdpService service) {}

    private final TunDevice tun;
    private volatile Entry[] entries = new Entry[0];
    private final LongAdder delivered = new LongAdder();
    private final LongAdder replied = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder malformed = new LongAdder();
    private final LongAdder replyTooLarge = new LongAdder();
    private final LongAdder replyFailed = new LongAdder();
    private final LongAdder serviceFailed = new LongAdder();

    LocalServices(TunDevice tun) {
        this.tun = tun;
    }

    synchronized void add(InetSocketAddress address, UdpService service) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(service, "service");
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("service address " + address + " is unresolved");
        }
        InetAddress ip = address.getAddress();
        if (ip.isAnyLocalAddress() || ip.isMulticastAddress()) {
            throw new IllegalArgumentException("service address " + address + " is not a unicast address");
        }
        if (address.getPort() == 0) {
            throw new IllegalArgumentException("service address " + address + " has no port");
        }
        for (Entry e : entries) {
            if (e.port == address.getPort() && Arrays.equals(e.address, ip.getAddress())) {
                throw new IllegalArgumentException("a UDP service is already registered at " + address);
            }
        }
        Entry[] grown = Arrays.copyOf(entries, entries.length + 1);
        grown[entries.length] = new Entry(ip.getAddress(), address.getPort(), address, service);
        entries = grown;
    }

    synchronized boolean remove(InetSocketAddress address) {
        Entry[] have = entries;
        for (int i = 0; i < have.length; i++) {
            if (have[i].socketAddress.equals(address)) {
                Entry[] less = new Entry[have.length - 1];
                System.arraycopy(have, 0, less, 0, i);
                System.arraycopy(have, i + 1, less, i, have.length - i - 1);
                entries = less;
                return true;
            }
        }
        return false;
    }

    ServiceStats stats() {
        return new ServiceStats(delivered.sum(), replied.sum(), refused.sum(), malformed.sum(),
                replyTooLarge.sum(), replyFailed.sum(), serviceFailed.sum());
    }

    /**
     * Takes the packet {@code b[off, off+len)} if it is addressed to a service address: hands a
     * datagram to its service, or drops (and counts) anything else sent there. Returns false,
     * having allocated nothing, for every other packet.
     */
    boolean handle(ByteBuffer b, int off, int len) {
        Entry[] es = entries;
        if (es.length == 0 || len < 1) {
            return false;
        }
        int version = (b.get(off) >>> 4) & 0xf;
        int dstAt;
        int addressLength;
        if (version == 4 && len >= UdpPackets.IPV4_HEADER) {
            dstAt = off + 16;
            addressLength = 4;
        } else if (version == 6 && len >= UdpPackets.IPV6_HEADER) {
            dstAt = off + 24;
            addressLength = 16;
        } else {
            return false;
        }
        if (!addressedToAny(es, b, dstAt, addressLength)) {
            return false;
        }
        UdpPackets.Datagram d = new UdpPackets.Datagram();
        switch (UdpPackets.parse(b, off, len, d)) {
            case NOT_UDP -> {
                refused.increment();
                return true;
            }
            case MALFORMED -> {
                malformed.increment();
                LOG.log(Level.DEBUG, () -> "dropped a packet to a local service: " + d.error);
                return true;
            }
            case NONE -> { }
        }
        Entry entry = null;
        for (Entry e : es) {
            if (e.port == d.dstPort && e.address.length == addressLength && equalAt(b, dstAt, e.address)) {
                entry = e;
                break;
            }
        }
        if (entry == null) {
            refused.increment();
            return true;
        }
        byte[] payload = new byte[d.payloadLength];
        b.get(d.payloadAt, payload);
        byte[] from = new byte[addressLength];
        b.get(d.srcAt, from);
        InetSocketAddress sender;
        try {
            sender = new InetSocketAddress(InetAddress.getByAddress(from), d.srcPort);
        } catch (UnknownHostException impossible) {
            throw new AssertionError(impossible); // 4 or 16 bytes are always an address
        }
        delivered.increment();
        try {
            entry.service.receive(payload, sender, new Reply(entry, from, d.srcPort));
        } catch (RuntimeException e) {
            serviceFailed.increment();
            LOG.log(Level.WARNING, "UDP service at " + entry.socketAddress + " failed: " + e);
        }
        return true;
    }

    private static boolean addressedToAny(Entry[] es, ByteBuffer b, int at, int length) {
        for (Entry e : es) {
            if (e.address.length == length && equalAt(b, at, e.address)) {
                return true;
            }
        }
        return false;
    }

    private static boolean equalAt(ByteBuffer b, int at, byte[] address) {
        for (int i = 0; i < address.length; i++) {
            if (b.get(at + i) != address[i]) {
                return false;
            }
        }
        return true;
    }

    /** The once-only reply callback of one datagram: writes the answer to the real TUN. */
    private final class Reply implements Consumer<byte[]> {
        private final Entry entry;
        private final byte[] to;
        private final int toPort;
        private final AtomicBoolean used = new AtomicBoolean();

        Reply(Entry entry, byte[] to, int toPort) {
            this.entry = entry;
            this.to = to;
            this.toPort = toPort;
        }

        @Override
        public void accept(byte[] payload) {
            Objects.requireNonNull(payload, "payload");
            int overhead = UdpPackets.overhead(to.length);
            int mtu;
            try {
                mtu = tun.mtu();
            } catch (IOException e) {
                replyFailed.increment();
                LOG.log(Level.DEBUG, () -> "reply from " + entry.socketAddress + " lost: no MTU: " + e.getMessage());
                return;
            }
            if (overhead + payload.length > mtu) {
                replyTooLarge.increment();
                throw new IllegalArgumentException("reply of " + payload.length + " bytes from "
                        + entry.socketAddress + " exceeds the " + Math.max(0, mtu - overhead)
                        + " bytes one datagram carries on this TUN (MTU " + mtu + "); truncate it");
            }
            if (!used.compareAndSet(false, true)) {
                throw new IllegalStateException("reply already sent for this datagram to " + entry.socketAddress);
            }
            byte[] packet = UdpPackets.build(entry.address, entry.port, to, toPort, payload);
            try {
                tun.write(ByteBuffer.wrap(packet));
                replied.increment();
            } catch (IOException e) {
                replyFailed.increment();
                LOG.log(Level.DEBUG, () -> "reply from " + entry.socketAddress + " not written: " + e.getMessage());
            }
        }
    }
}
