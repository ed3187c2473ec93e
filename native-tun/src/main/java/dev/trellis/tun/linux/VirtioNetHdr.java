package dev.trellis.tun.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@code struct virtio_net_hdr} (linux/virtio_net.h), which a TUN opened with
 * {@code IFF_VNET_HDR} and {@code TUNSETVNETHDRSZ} 10 puts before every packet both ways:
 * flags u8, gso_type u8, hdr_len u16, gso_size u16, csum_start u16, csum_offset u16. Without
 * {@code TUNSETVNETLE} the 16-bit fields are in host byte order ("legacy" virtio).
 */
final class VirtioNetHdr {

    static final int SIZE = 10;

    /** The field at csum_start+csum_offset holds the pseudo-header sum; the rest is to add. */
    static final int F_NEEDS_CSUM = 1;

    static final int GSO_NONE = 0;
    static final int GSO_TCPV4 = 1;
    static final int GSO_UDP = 3;
    static final int GSO_TCPV6 = 4;
    static final int GSO_UDP_L4 = 5;
    /** Or'ed into gso_type: the sender set CWR; segmenting needs no extra care for it here. */
    static final int GSO_ECN = 0x80;

    private static final boolean SWAP = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private VirtioNetHdr() {
    }

    static int flags(ByteBuffer b, int at) {
        return b.get(at) & 0xff;
    }

    static int gsoType(ByteBuffer b, int at) {
        return b.get(at + 1) & 0xff;
    }

    static int hdrLen(ByteBuffer b, int at) {
        return host16(b, at + 2);
    }

    static int gsoSize(ByteBuffer b, int at) {
        return host16(b, at + 4);
    }

    static int csumStart(ByteBuffer b, int at) {
        return host16(b, at + 6);
    }

    static int csumOffset(ByteBuffer b, int at) {
        return host16(b, at + 8);
    }

    /** A header for a packet the kernel should take as it is (checksums complete, no GSO). */
    static void putNone(ByteBuffer b, int at) {
        b.putLong(at, 0L);
        b.putShort(at + 8, (short) 0);
    }

    static void put(ByteBuffer b, int at, int flags, int gsoType, int hdrLen, int gsoSize,
            int csumStart, int csumOffset) {
        b.put(at, (byte) flags);
        b.put(at + 1, (byte) gsoType);
        putHost16(b, at + 2, hdrLen);
        putHost16(b, at + 4, gsoSize);
        putHost16(b, at + 6, csumStart);
        putHost16(b, at + 8, csumOffset);
    }

    private static int host16(ByteBuffer b, int i) {
        int lo = b.get(SWAP ? i : i + 1) & 0xff;
        int hi = b.get(SWAP ? i + 1 : i) & 0xff;
        return (hi << 8) | lo;
    }

    private static void putHost16(ByteBuffer b, int i, int v) {
        b.put(SWAP ? i : i + 1, (byte) v);
        b.put(SWAP ? i + 1 : i, (byte) (v >>> 8));
    }
}
