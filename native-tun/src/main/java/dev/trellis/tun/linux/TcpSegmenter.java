package dev.trellis.tun.linux;

import static dev.trellis.tun.linux.Checksums.TCP;
import static dev.trellis.tun.linux.Checksums.put16;
import static dev.trellis.tun.linux.Checksums.put32;
import static dev.trellis.tun.linux.Checksums.u16;
import static dev.trellis.tun.linux.Checksums.u32;

import java.nio.ByteBuffer;

/**
 * The read side of TUN offloads: takes what one {@code read(2)} returned (a
 * {@link VirtioNetHdr} and a packet) and hands out finished packets, one per {@link #emit}
 * call: a plain packet once (its checksum completed if the kernel left it partial), a TCP
 * super-packet (TSO) as segments of {@code gso_size} payload bytes each. Segments not yet
 * handed out stay pending across calls, so a caller with fewer buffers than segments loses
 * nothing.
 *
 * <p>The kernel's data is trusted for nothing: headers are parsed from the packet itself
 * ({@code hdr_len} is ignored), every length is checked against what was read, and anything
 * inconsistent is dropped and counted in {@link #dropped()}, never thrown. Allocation-free;
 * owned by the one reader thread.
 */
final class TcpSegmenter {

    static final int FIN = 0x01;
    static final int PSH = 0x08;
    static final int CWR = 0x80;

    private ByteBuffer src;
    /** The packet lies in {@code src[pkt, pkt+len)}. */
    private int pkt;
    private int len;
    private boolean split;
    private boolean v6;
    private int ipLen;
    private int hdrLen;
    private int gsoSize;
    private int segments;
    private int next;
    private int firstSeq;
    private int firstId;

    private long dropped;
    private long superPackets;

    /** Packets dropped because the kernel's data did not hold together. */
    long dropped() {
        return dropped;
    }

    /** TCP super-packets split so far. */
    long superPackets() {
        return superPackets;
    }

    boolean pending() {
        return next < segments;
    }

    /**
     * Takes a read of {@code n} bytes at {@code src[at...]}: the virtio header, then the packet.
     * Any pending segments are discarded. Returns false, counting a drop, if it is unusable.
     */
    boolean load(ByteBuffer src, int at, int n) {
        this.src = src;
        segments = 0;
        next = 0;
        pkt = at + VirtioNetHdr.SIZE;
        len = n - VirtioNetHdr.SIZE;
        if (len <= 0) {
            return drop();
        }
        int type = VirtioNetHdr.gsoType(src, at) & ~VirtioNetHdr.GSO_ECN;
        if (type == VirtioNetHdr.GSO_NONE) {
            split = false;
            if ((VirtioNetHdr.flags(src, at) & VirtioNetHdr.F_NEEDS_CSUM) != 0
                    && !completeChecksum(VirtioNetHdr.csumStart(src, at),
                            VirtioNetHdr.csumOffset(src, at))) {
                return drop();
            }
            segments = 1;
            return true;
        }
        if (type != VirtioNetHdr.GSO_TCPV4 && type != VirtioNetHdr.GSO_TCPV6) {
            return drop(); // UDP fragmentation offload and USO are never enabled
        }
        v6 = type == VirtioNetHdr.GSO_TCPV6;
        gsoSize = VirtioNetHdr.gsoSize(src, at);
        if (gsoSize == 0 || !parseTcp()) {
            return drop();
        }
        split = true;
        segments = (len - hdrLen + gsoSize - 1) / gsoSize;
        superPackets++;
        return true;
    }

    /** The ones'-complement sum from csum_start to the end, stored where the kernel said. */
    private boolean completeChecksum(int start, int offset) {
        if (start >= len || start + offset + 2 > len) {
            return false;
        }
        int field = pkt + start + offset;
        // The field holds the pseudo-header sum, so summing over it adds that in.
        int c = Checksums.checksum(src, pkt + start, len - start, 0);
        // As the kernel's skb_checksum_help: 0 becomes 0xffff (equal in ones' complement, and
        // for UDP 0 would mean "no checksum").
        put16(src, field, c == 0 ? 0xffff : c);
        return true;
    }

    /** Parses and checks the IP and TCP headers of a super-packet. */
    private boolean parseTcp() {
        int version = (src.get(pkt) & 0xff) >>> 4;
        if (v6) {
            if (version != 6 || len < 40 || src.get(pkt + 6) != TCP
                    || u16(src, pkt + 4) != len - 40) {
                return false;
            }
            ipLen = 40;
        } else {
            ipLen = (src.get(pkt) & 0x0f) * 4;
            if (version != 4 || ipLen < 20 || len < ipLen || src.get(pkt + 9) != TCP
                    || u16(src, pkt + 2) != len || (u16(src, pkt + 6) & 0x3fff) != 0) {
                return false; // also refuses fragments (MF or an offset)
            }
            firstId = u16(src, pkt + 4);
        }
        if (len < ipLen + 20) {
            return false;
        }
        int tcpLen = ((src.get(pkt + ipLen + 12) & 0xff) >>> 4) * 4;
        hdrLen = ipLen + tcpLen;
        if (tcpLen < 20 || hdrLen >= len) {
            return false; // a super-packet without payload is not one
        }
        firstSeq = u32(src, pkt + ipLen + 4);
        return true;
    }

    /**
     * Writes the next packet into {@code dst} at absolute index {@code at}, where {@code room}
     * bytes are free, and returns its length; -1 if there was nothing to write or the segment
     * did not fit (dropped). A plain packet larger than {@code room} is cut, as the kernel cuts
     * reads into a short buffer.
     */
    int emit(ByteBuffer dst, int at, int room) {
        if (!pending()) {
            return -1;
        }
        int i = next++;
        if (!split) {
            int n = Math.min(len, room);
            dst.put(at, src, pkt, n);
            return n;
        }
        int payloadAt = hdrLen + i * gsoSize;
        int payload = Math.min(gsoSize, len - payloadAt);
        int size = hdrLen + payload;
        if (size > room) {
            dropped++;
            return -1;
        }
        dst.put(at, src, pkt, hdrLen);
        dst.put(at + hdrLen, src, pkt + payloadAt, payload);
        if (v6) {
            put16(dst, at + 4, size - 40);
        } else {
            put16(dst, at + 2, size);
            put16(dst, at + 4, firstId + i);
            put16(dst, at + 10, 0);
            put16(dst, at + 10, Checksums.checksum(dst, at, ipLen, 0));
        }
        int tcp = at + ipLen;
        put32(dst, tcp + 4, firstSeq + i * gsoSize);
        int flags = dst.get(tcp + 13) & 0xff;
        if (i != segments - 1) {
            flags &= ~(FIN | PSH);
        }
        if (i != 0) {
            flags &= ~CWR;
        }
        dst.put(tcp + 13, (byte) flags);
        put16(dst, tcp + 16, 0);
        long pseudo = Checksums.pseudoHeader(dst, at, v6, TCP, size - ipLen);
        put16(dst, tcp + 16, Checksums.checksum(dst, tcp, size - ipLen, pseudo));
        return size;
    }

    private boolean drop() {
        dropped++;
        segments = 0;
        next = 0;
        return false;
    }
}
