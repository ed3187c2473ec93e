package dev.trellis.engine.filter;

import dev.trellis.protocol.net.IpPrefix;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds IPv4 and IPv6 test packets byte by byte, written independently of the code under test
 * (its checksum is its own). Public so the TUN wrapper's tests can use it too.
 */
public final class TestPackets {
    public static final int ICMP = 1;
    public static final int TCP = 6;
    public static final int UDP = 17;
    public static final int ICMPV6 = 58;
    public static final int SCTP = 132;
    public static final int GRE = 47;

    private final int proto;
    private final byte[] src;
    private final byte[] dst;
    private byte[] transport = new byte[0];
    private byte[] payload = new byte[0];
    private final List<Integer> extensions = new ArrayList<>();
    private boolean fragmented;
    private long fragmentId;
    private int fragmentOffset;
    private boolean moreFragments;
    private boolean udpChecksum = true;

    private TestPackets(int proto, String src, String dst) {
        this.proto = proto;
        this.src = IpPrefix.parseNumericAddress(src);
        this.dst = IpPrefix.parseNumericAddress(dst);
        if (this.src.length != this.dst.length) {
            throw new IllegalArgumentException("mixed families");
        }
    }

    public static TestPackets tcp(String src, int sport, String dst, int dport) {
        return tcp(src, sport, dst, dport, 0x10);
    }

    public static TestPackets tcp(String src, int sport, String dst, int dport, int flags) {
        TestPackets p = new TestPackets(TCP, src, dst);
        byte[] h = new byte[20];
        put16(h, 0, sport);
        put16(h, 2, dport);
        h[12] = 0x50;
        h[13] = (byte) flags;
        put16(h, 14, 65535);
        p.transport = h;
        return p;
    }

    public static TestPackets udp(String src, int sport, String dst, int dport) {
        TestPackets p = new TestPackets(UDP, src, dst);
        byte[] h = new byte[8];
        put16(h, 0, sport);
        put16(h, 2, dport);
        p.transport = h;
        return p;
    }

    public static TestPackets sctp(String src, int sport, String dst, int dport) {
        TestPackets p = new TestPackets(SCTP, src, dst);
        byte[] h = new byte[12];
        put16(h, 0, sport);
        put16(h, 2, dport);
        p.transport = h;
        return p;
    }

    /** An ICMP (IPv4) or ICMPv6 (IPv6) echo request or reply. */
    public static TestPackets echo(String src, String dst, boolean request, int id) {
        TestPackets p = icmp(src, dst, 0, 0);
        boolean v4 = p.src.length == 4;
        p.transport[0] = (byte) (v4 ? (request ? 8 : 0) : (request ? 128 : 129));
        put16(p.transport, 4, id);
        put16(p.transport, 6, 1);
        return p;
    }

    /** An ICMP message of the packet's family with the given type and code. */
    public static TestPackets icmp(String src, String dst, int type, int code) {
        boolean v4 = IpPrefix.parseNumericAddress(src).length == 4;
        TestPackets p = new TestPackets(v4 ? ICMP : ICMPV6, src, dst);
        byte[] h = new byte[8];
        h[0] = (byte) type;
        h[1] = (byte) code;
        p.transport = h;
        return p;
    }

    /** An ICMP error quoting {@code quoted} (cut to {@code keep} bytes). */
    public static TestPackets icmpError(String src, String dst, int type, int code, byte[] quoted, int keep) {
        TestPackets p = icmp(src, dst, type, code);
        p.payload = java.util.Arrays.copyOf(quoted, Math.min(keep, quoted.length));
        return p;
    }

    /** A packet of any protocol with no transport header. */
    public static TestPackets raw(int proto, String src, String dst) {
        return new TestPackets(proto, src, dst);
    }

    public TestPackets payload(int n) {
        payload = new byte[n];
        for (int i = 0; i < n; i++) {
            payload[i] = (byte) (i * 7 + 1);
        }
        return this;
    }

    public TestPackets payload(byte[] bytes) {
        payload = bytes.clone();
        return this;
    }

    /** IPv6 extension headers (0, 43, 60: 8 bytes each; 51: AH of 12 bytes) before the rest. */
    public TestPackets extensions(int... types) {
        for (int t : types) {
            extensions.add(t);
        }
        return this;
    }

    /** The first fragment of a datagram: transport header present, more fragments follow. */
    public TestPackets firstFragment(long id) {
        fragmented = true;
        fragmentId = id;
        fragmentOffset = 0;
        moreFragments = true;
        return this;
    }

    /** A later fragment at {@code offset} bytes: no transport header, just the payload. */
    public TestPackets laterFragment(long id, int offset, boolean more) {
        fragmented = true;
        fragmentId = id;
        fragmentOffset = offset;
        moreFragments = more;
        transport = new byte[0];
        return this;
    }

    public TestPackets noUdpChecksum() {
        udpChecksum = false;
        return this;
    }

    public byte[] build() {
        boolean v4 = src.length == 4;
        byte[] l4 = concat(transport, payload);
        if (proto == UDP && transport.length == 8) {
            // a first fragment's UDP length covers the whole datagram, more than is here
            put16(l4, 4, l4.length + (fragmented ? 1000 : 0));
            if (udpChecksum && !fragmented) {
                put16(l4, 6, 0);
                int c = checksum(concat(pseudoHeader(v4, l4.length, UDP), l4));
                put16(l4, 6, c == 0 ? 0xffff : c);
            }
        }
        if ((proto == ICMP || proto == ICMPV6) && transport.length == 8) {
            byte[] pseudo = proto == ICMPV6 ? pseudoHeader(false, l4.length, ICMPV6) : new byte[0];
            put16(l4, 2, checksum(concat(pseudo, l4)));
        }
        return v4 ? ipv4(l4) : ipv6(l4);
    }

    private byte[] ipv4(byte[] l4) {
        byte[] h = new byte[20];
        h[0] = 0x45;
        put16(h, 2, 20 + l4.length);
        put16(h, 4, (int) fragmentId);
        put16(h, 6, (moreFragments ? 0x2000 : 0) | (fragmentOffset / 8));
        h[8] = 64;
        h[9] = (byte) proto;
        System.arraycopy(src, 0, h, 12, 4);
        System.arraycopy(dst, 0, h, 16, 4);
        put16(h, 10, checksum(h));
        return concat(h, l4);
    }

    private byte[] ipv6(byte[] l4) {
        ByteArrayOutputStream ext = new ByteArrayOutputStream();
        List<Integer> chain = new ArrayList<>(extensions);
        if (fragmented) {
            chain.add(44);
        }
        for (int i = 0; i < chain.size(); i++) {
            int type = chain.get(i);
            int next = i + 1 < chain.size() ? chain.get(i + 1) : proto;
            byte[] e;
            if (type == 44) {
                e = new byte[8];
                put16(e, 2, fragmentOffset | (moreFragments ? 1 : 0));
                put32(e, 4, fragmentId);
            } else if (type == 51) {
                e = new byte[12];
                e[1] = 1; // (1 + 2) * 4 = 12 bytes
            } else {
                e = new byte[8];
                if (type == 43) {
                    e[2] = 0; // routing type 0, segments left 0
                }
            }
            e[0] = (byte) next;
            ext.writeBytes(e);
        }
        byte[] rest = concat(ext.toByteArray(), l4);
        byte[] h = new byte[40];
        h[0] = 0x60;
        put16(h, 4, rest.length);
        h[6] = (byte) (chain.isEmpty() ? proto : chain.get(0));
        h[7] = 64;
        System.arraycopy(src, 0, h, 8, 16);
        System.arraycopy(dst, 0, h, 24, 16);
        return concat(h, rest);
    }

    private byte[] pseudoHeader(boolean v4, int length, int p) {
        if (v4) {
            byte[] ph = new byte[12];
            System.arraycopy(src, 0, ph, 0, 4);
            System.arraycopy(dst, 0, ph, 4, 4);
            ph[9] = (byte) p;
            put16(ph, 10, length);
            return ph;
        }
        byte[] ph = new byte[40];
        System.arraycopy(src, 0, ph, 0, 16);
        System.arraycopy(dst, 0, ph, 16, 16);
        put32(ph, 32, length);
        ph[39] = (byte) p;
        return ph;
    }

    /** RFC 1071, the textbook way: 32-bit sum of 16-bit words, carries folded at the end. */
    public static int checksum(byte[] data) {
        int sum = 0;
        for (int i = 0; i < data.length; i += 2) {
            int hi = data[i] & 0xff;
            int lo = i + 1 < data.length ? data[i + 1] & 0xff : 0;
            sum += hi << 8 | lo;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return ~sum & 0xffff;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = new byte[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    static void put16(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }

    static void put32(byte[] b, int at, long v) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (v >>> (24 - 8 * i));
        }
    }
}
