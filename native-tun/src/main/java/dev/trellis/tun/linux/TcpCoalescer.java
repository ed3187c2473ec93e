package dev.trellis.tun.linux;

import static dev.trellis.tun.linux.Checksums.TCP;
import static dev.trellis.tun.linux.Checksums.put16;
import static dev.trellis.tun.linux.Checksums.same;
import static dev.trellis.tun.linux.Checksums.u16;
import static dev.trellis.tun.linux.Checksums.u32;

import java.nio.ByteBuffer;

/**
 * The write side of TUN offloads (GRO): merges a run of consecutive TCP segments of one flow
 * into one super-packet the kernel takes in a single {@code write(2)}, with a
 * {@link VirtioNetHdr} asking it to treat the packet as segments of the first one's payload
 * size. The rules are those under which the kernel's own GRO would merge, so the result means
 * exactly what the segments meant:
 * <ul>
 *   <li>IPv4 without options and not a fragment, or IPv6 with TCP as the next header;</li>
 *   <li>the IP headers equal apart from length, ID and checksum; the TCP headers equal apart
 *       from the sequence number, the checksum and PSH on the last segment: same ports,
 *       acknowledgement, window, header length and option bytes;</li>
 *   <li>flags ACK only, PSH allowed on the last segment (it ends the run);</li>
 *   <li>each sequence number follows on from the previous segment's payload; every segment
 *       but the last carries exactly the first one's payload size, the last at most that;</li>
 *   <li>at most 65535 bytes in all.</li>
 * </ul>
 * Anything else, malformed packets included, is left for the caller to write as it is.
 * Stateless and allocation-free.
 */
final class TcpCoalescer {

    static final int ACK = 0x10;
    static final int PSH = 0x08;
    static final int MAX_PACKET = 65535;

    private TcpCoalescer() {
    }

    /**
     * How many packets from index {@code first} (packet {@code i} in
     * {@code bufs[i][offset, offset+sizes[i])}) make one super-packet; 1 if none can.
     */
    static int run(ByteBuffer[] bufs, int[] sizes, int first, int count, int offset) {
        ByteBuffer a = bufs[first];
        int aLen = sizes[first];
        int hdrLen = headerLength(a, offset, aLen);
        if (hdrLen < 0 || (flags(a, offset) & PSH) != 0) {
            return 1;
        }
        boolean v6 = version(a, offset) == 6;
        int ipLen = v6 ? 40 : 20;
        int gsoSize = aLen - hdrLen;
        int total = aLen;
        int nextSeq = u32(a, offset + ipLen + 4) + gsoSize;
        int n = 1;
        for (int j = first + 1; j < count; j++) {
            ByteBuffer b = bufs[j];
            int bLen = sizes[j];
            if (headerLength(b, offset, bLen) != hdrLen || version(b, offset) != version(a, offset)
                    || !sameFlow(a, b, offset, v6, ipLen, hdrLen)
                    || u32(b, offset + ipLen + 4) != nextSeq) {
                break;
            }
            int payload = bLen - hdrLen;
            if (payload > gsoSize || total + payload > MAX_PACKET) {
                break;
            }
            total += payload;
            nextSeq += payload;
            n++;
            if (payload < gsoSize || (flags(b, offset) & PSH) != 0) {
                break; // a short segment or a push ends the run
            }
        }
        return n;
    }

    /**
     * Writes the virtio header and the super-packet of the {@code n >= 2} packets from
     * {@code first} (a run found by {@link #run}) to {@code out} at index 0; returns the bytes
     * to write. {@code out} needs {@code VirtioNetHdr.SIZE + 65535} bytes.
     */
    static int build(ByteBuffer[] bufs, int[] sizes, int first, int n, int offset,
            ByteBuffer out) {
        ByteBuffer a = bufs[first];
        int hdrLen = headerLength(a, offset, sizes[first]);
        boolean v6 = version(a, offset) == 6;
        int ipLen = v6 ? 40 : 20;
        int p = VirtioNetHdr.SIZE;
        out.put(p, a, offset, hdrLen);
        int end = p + hdrLen;
        for (int j = first; j < first + n; j++) {
            int payload = sizes[j] - hdrLen;
            out.put(end, bufs[j], offset + hdrLen, payload);
            end += payload;
        }
        int size = end - p;
        if (v6) {
            put16(out, p + 4, size - 40);
        } else {
            put16(out, p + 2, size);
            put16(out, p + 10, 0);
            put16(out, p + 10, Checksums.checksum(out, p, ipLen, 0));
        }
        int tcp = p + ipLen;
        int lastFlags = flags(bufs[first + n - 1], offset);
        out.put(tcp + 13, (byte) (flags(a, offset) | (lastFlags & PSH)));
        // NEEDS_CSUM: the field holds the folded, uncomplemented pseudo-header sum over the
        // whole TCP length; the kernel adjusts it per segment when it segments.
        put16(out, tcp + 16, Checksums.fold(Checksums.pseudoHeader(out, p, v6, TCP,
                size - ipLen)));
        VirtioNetHdr.put(out, 0, VirtioNetHdr.F_NEEDS_CSUM,
                v6 ? VirtioNetHdr.GSO_TCPV6 : VirtioNetHdr.GSO_TCPV4, hdrLen,
                sizes[first] - hdrLen, ipLen, 16);
        return VirtioNetHdr.SIZE + size;
    }

    /**
     * The IP plus TCP header length of a packet that may start or join a run: a complete,
     * self-consistent IPv4 (no options, not a fragment) or IPv6 (no extension headers) TCP
     * segment with payload and flags ACK or ACK|PSH; -1 otherwise.
     */
    static int headerLength(ByteBuffer b, int at, int len) {
        if (len < 1 || at + len > b.capacity()) {
            return -1;
        }
        int ipLen;
        int version = version(b, at);
        if (version == 4) {
            if (len < 20 || (b.get(at) & 0x0f) != 5 || b.get(at + 9) != TCP
                    || u16(b, at + 2) != len || (u16(b, at + 6) & 0x3fff) != 0) {
                return -1;
            }
            ipLen = 20;
        } else if (version == 6) {
            if (len < 40 || b.get(at + 6) != TCP || u16(b, at + 4) != len - 40) {
                return -1;
            }
            ipLen = 40;
        } else {
            return -1;
        }
        if (len < ipLen + 20) {
            return -1;
        }
        int tcpLen = ((b.get(at + ipLen + 12) & 0xff) >>> 4) * 4;
        int flags = b.get(at + ipLen + 13) & 0xff;
        if (tcpLen < 20 || ipLen + tcpLen >= len || (flags & ~PSH) != ACK) {
            return -1;
        }
        return ipLen + tcpLen;
    }

    /** Header fields a super-packet's one header stands for in every segment. */
    private static boolean sameFlow(ByteBuffer a, ByteBuffer b, int at, boolean v6, int ipLen,
            int hdrLen) {
        boolean ip = v6
                ? same(a, at, b, at, 4) && same(a, at + 6, b, at + 6, 34)
                : same(a, at, b, at, 2) && same(a, at + 6, b, at + 6, 4)
                        && same(a, at + 12, b, at + 12, 8);
        int t = at + ipLen;
        // Ports; acknowledgement; data offset; window; urgent pointer and options. The flags
        // byte was checked by headerLength and PSH is handled by the caller.
        return ip && same(a, t, b, t, 4) && same(a, t + 8, b, t + 8, 5)
                && same(a, t + 14, b, t + 14, 2) && same(a, t + 18, b, t + 18, hdrLen - ipLen - 18);
    }

    private static int version(ByteBuffer b, int at) {
        return (b.get(at) & 0xff) >>> 4;
    }

    private static int flags(ByteBuffer b, int at) {
        return b.get(at + 20 + (version(b, at) == 6 ? 20 : 0) + 13) & 0xff;
    }
}
