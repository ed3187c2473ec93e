package dev.trellis.engine.filter;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The headers of one IP packet, parsed in place: a mutable scratch object, one per thread, so
 * that judging a packet allocates nothing. Every length is checked before the bytes behind it
 * are read; a packet that fails a check is left with {@link #error} set to a constant text.
 *
 * <p>Addresses are kept as two longs: IPv6 as its high and low 64 bits, IPv4 as {@code hi = 0}
 * and {@code lo} = the address as an unsigned 32-bit number; {@link #version} tells them apart.
 */
final class Packet {
    static final int ICMP = 1;
    static final int TCP = 6;
    static final int UDP = 17;
    static final int ICMPV6 = 58;
    static final int SCTP = 132;

    static final int NOT_FRAGMENT = 0;
    /** Offset 0 with more fragments to come: carries the transport header, which must fit. */
    static final int FIRST_FRAGMENT = 1;
    /** Offset > 0: no transport header, judged by the datagram's first fragment. */
    static final int LATER_FRAGMENT = 2;

    /** Extension headers walked before an IPv6 packet counts as malformed. */
    static final int MAX_IPV6_EXTENSION_HEADERS = 8;

    static final int TCP_SYN = 0x02;

    int version;
    /** Bytes the packet occupies per its header (trailing bytes after it are ignored). */
    int length;
    int proto;
    long srcHi;
    long srcLo;
    long dstHi;
    long dstLo;
    int fragment;
    long fragmentId;
    /**
     * The protocol field that every fragment of the datagram carries alike: IPv4's protocol,
     * the IPv6 fragment header's next header (which may name a further extension header).
     */
    int fragmentProto;
    /** The byte offset of the fragmentable part within the datagram, for later fragments. */
    int fragmentOffset;
    /** TCP, UDP and SCTP: the ports below were read. */
    boolean hasPorts;
    int srcPort;
    int dstPort;
    int tcpFlags;
    /** ICMP (for IPv4) or ICMPv6 (for IPv6) header read: type, code and the echo identifier. */
    boolean icmp;
    int icmpType;
    int icmpCode;
    int icmpId;
    /** The packet quoted by an ICMP error, when it parsed; see {@link #innerValid}. */
    final Packet inner;
    boolean innerValid;
    /** Why the packet is malformed; null when it parsed. */
    String error;

    Packet() {
        this(true);
    }

    private Packet(boolean outer) {
        this.inner = outer ? new Packet(false) : null;
    }

    boolean isV6() {
        return version == 6;
    }

    boolean isIcmpEchoRequest() {
        return icmp && icmpCode == 0 && icmpType == (version == 4 ? 8 : 128);
    }

    boolean isIcmpEchoReply() {
        return icmp && icmpCode == 0 && icmpType == (version == 4 ? 0 : 129);
    }

    /** Destination unreachable, packet too big, time exceeded and parameter problem. */
    boolean isIcmpError() {
        if (!icmp) {
            return false;
        }
        return version == 4
                ? icmpType == 3 || icmpType == 11 || icmpType == 12
                : icmpType >= 1 && icmpType <= 4;
    }

    private void reset() {
        version = 0;
        length = 0;
        proto = -1;
        srcHi = srcLo = dstHi = dstLo = 0;
        fragment = NOT_FRAGMENT;
        fragmentId = 0;
        fragmentProto = 0;
        fragmentOffset = 0;
        hasPorts = false;
        srcPort = dstPort = 0;
        tcpFlags = 0;
        icmp = false;
        icmpType = icmpCode = icmpId = 0;
        innerValid = false;
        error = null;
    }

    /**
     * Parses the packet in {@code b[off, off+len)} (absolute indices; position and limit are not
     * used). Returns false, with {@link #error} set, if a header is truncated or inconsistent.
     */
    boolean parse(ByteBuffer b, int off, int len) {
        reset();
        return parse(b, off, len, false);
    }

    /**
     * {@code quoted}: the packet is the start of one that an ICMP error quotes, cut short by the
     * sender, so its length fields are not checked against the bytes present and only the first
     * 8 bytes of its transport header are required (RFC 792 promises no more).
     */
    private boolean parse(ByteBuffer b, int off, int len, boolean quoted) {
        if (len < 1) {
            return fail("empty packet");
        }
        int v = (b.get(off) >>> 4) & 0xf;
        if (v == 4) {
            return parse4(b, off, len, quoted);
        }
        if (v == 6) {
            return parse6(b, off, len, quoted);
        }
        return fail("IP version is neither 4 nor 6");
    }

    private boolean parse4(ByteBuffer b, int off, int len, boolean quoted) {
        version = 4;
        if (len < 20) {
            return fail("truncated IPv4 header");
        }
        int ihl = (b.get(off) & 0xf) * 4;
        int total = u16(b, off + 2);
        if (ihl < 20 || ihl > len) {
            return fail("bad IPv4 header length");
        }
        if (quoted) {
            total = len;
        } else if (total < ihl || total > len) {
            return fail("IPv4 total length disagrees with the packet");
        }
        length = total;
        proto = b.get(off + 9) & 0xff;
        srcLo = u32(b, off + 12) & 0xffffffffL;
        dstLo = u32(b, off + 16) & 0xffffffffL;
        int flags = u16(b, off + 6);
        int fragOff = (flags & 0x1fff) * 8;
        fragmentId = u16(b, off + 4);
        fragmentProto = proto;
        if (fragOff != 0) {
            return laterFragment(fragOff, quoted);
        }
        if ((flags & 0x2000) != 0) {
            fragment = FIRST_FRAGMENT;
        }
        return transport(b, off + ihl, total - ihl, quoted);
    }

    private boolean parse6(ByteBuffer b, int off, int len, boolean quoted) {
        version = 6;
        if (len < 40) {
            return fail("truncated IPv6 header");
        }
        int total = quoted ? len : 40 + u16(b, off + 4);
        if (total > len) {
            return fail("IPv6 payload length disagrees with the packet");
        }
        length = total;
        srcHi = u64(b, off + 8);
        srcLo = u64(b, off + 16);
        dstHi = u64(b, off + 24);
        dstLo = u64(b, off + 32);
        int next = b.get(off + 6) & 0xff;
        int pos = 40;
        boolean sawFragmentHeader = false;
        for (int n = 0; ; n++) {
            if (n > MAX_IPV6_EXTENSION_HEADERS) {
                return fail("too many IPv6 extension headers");
            }
            switch (next) {
                case 0, 43, 60, 51 -> {
                    if (next == 0 && n != 0) {
                        return fail("IPv6 hop-by-hop options not first");
                    }
                    if (total - pos < 8) {
                        return fail("truncated IPv6 extension header");
                    }
                    int size = next == 51 ? ((b.get(off + pos + 1) & 0xff) + 2) * 4
                            : ((b.get(off + pos + 1) & 0xff) + 1) * 8;
                    if (size > total - pos) {
                        return fail("truncated IPv6 extension header");
                    }
                    if (next == 43 && b.get(off + pos + 3) != 0) {
                        // Segments left > 0: the packet's real destination is a later hop, which
                        // the filter cannot vouch for; a point-to-point tunnel has no use for it.
                        return fail("IPv6 routing header with segments left");
                    }
                    next = b.get(off + pos) & 0xff;
                    pos += size;
                }
                case 44 -> {
                    if (sawFragmentHeader) {
                        return fail("two IPv6 fragment headers");
                    }
                    sawFragmentHeader = true;
                    if (total - pos < 8) {
                        return fail("truncated IPv6 fragment header");
                    }
                    int fo = u16(b, off + pos + 2);
                    fragmentId = u32(b, off + pos + 4) & 0xffffffffL;
                    next = b.get(off + pos) & 0xff;
                    fragmentProto = next;
                    pos += 8;
                    if ((fo & 0xfff8) != 0) {
                        proto = next;
                        return laterFragment(fo & 0xfff8, quoted);
                    }
                    if ((fo & 1) != 0) {
                        fragment = FIRST_FRAGMENT;
                    }
                }
                default -> {
                    proto = next;
                    return transport(b, off + pos, total - pos, quoted);
                }
            }
        }
    }

    private boolean laterFragment(int offset, boolean quoted) {
        fragment = LATER_FRAGMENT;
        fragmentOffset = offset;
        if (quoted) {
            return fail("quoted packet is a later fragment");
        }
        // A later fragment must not overlap the transport header the first one was judged by
        // (RFC 1858's overlapping-fragment attack): TCP's is 20 bytes, so offset 8 or 16 is out.
        int header = proto == TCP ? 20 : proto == SCTP ? 12 : 8;
        return offset >= header || fail("fragment overlaps the transport header");
    }

    /** The transport header at {@code b[at, at+avail)}. Unknown protocols have none. */
    private boolean transport(ByteBuffer b, int at, int avail, boolean quoted) {
        boolean whole = !quoted && fragment == NOT_FRAGMENT;
        switch (proto) {
            case TCP -> {
                if (avail < (quoted ? 8 : 20)) {
                    return fail("truncated TCP header");
                }
                readPorts(b, at);
                if (!quoted) {
                    int dataOffset = ((b.get(at + 12) & 0xff) >>> 4) * 4;
                    if (dataOffset < 20 || dataOffset > avail) {
                        return fail("bad TCP data offset");
                    }
                    tcpFlags = b.get(at + 13) & 0xff;
                }
            }
            case UDP -> {
                if (avail < 8) {
                    return fail("truncated UDP header");
                }
                readPorts(b, at);
                int udpLength = u16(b, at + 4);
                // A fragmented datagram's UDP length covers all fragments; only a whole one can
                // be held to the bytes present. 0 would be an IPv6 jumbogram: not on a tunnel.
                if (whole && (udpLength < 8 || udpLength > avail)) {
                    return fail("UDP length disagrees with the packet");
                }
            }
            case SCTP -> {
                if (avail < (quoted ? 8 : 12)) {
                    return fail("truncated SCTP header");
                }
                readPorts(b, at);
            }
            case ICMP, ICMPV6 -> {
                if ((proto == ICMP) != (version == 4)) {
                    return true; // ICMP of the other family: an unknown protocol here
                }
                if (avail < 8) {
                    return fail("truncated ICMP header");
                }
                icmp = true;
                icmpType = b.get(at) & 0xff;
                icmpCode = b.get(at + 1) & 0xff;
                icmpId = u16(b, at + 4);
                if (!quoted && isIcmpError() && inner != null) {
                    // A quoted packet that does not parse only means no flow vouches for this
                    // error; the error itself is well formed.
                    innerValid = inner.parseQuoted(b, at + 8, avail - 8, version);
                }
            }
            default -> {
                // No transport header we know: rules match these on addresses alone.
            }
        }
        return true;
    }

    private boolean parseQuoted(ByteBuffer b, int at, int avail, int outerVersion) {
        reset();
        return parse(b, at, avail, true) && version == outerVersion;
    }

    private void readPorts(ByteBuffer b, int at) {
        hasPorts = true;
        srcPort = u16(b, at);
        dstPort = u16(b, at + 2);
    }

    private boolean fail(String why) {
        error = why;
        return false;
    }

    static int u16(ByteBuffer b, int i) {
        return (b.get(i) & 0xff) << 8 | (b.get(i + 1) & 0xff);
    }

    static int u32(ByteBuffer b, int i) {
        int v = b.getInt(i);
        return b.order() == ByteOrder.BIG_ENDIAN ? v : Integer.reverseBytes(v);
    }

    static long u64(ByteBuffer b, int i) {
        long v = b.getLong(i);
        return b.order() == ByteOrder.BIG_ENDIAN ? v : Long.reverseBytes(v);
    }
}
