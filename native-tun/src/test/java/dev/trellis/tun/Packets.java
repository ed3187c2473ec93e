package dev.trellis.tun;

import java.nio.ByteBuffer;

/** Builds and inspects IPv4/IPv6 UDP packets for root tests. */
final class Packets {

    static final int UDP = 17;

    private Packets() {
    }

    /** An IPv4/UDP packet with a correct header checksum and UDP checksum 0 (allowed). */
    static byte[] udp4(byte[] src, byte[] dst, int srcPort, int dstPort, byte[] payload) {
        int total = 20 + 8 + payload.length;
        ByteBuffer b = ByteBuffer.allocate(total);
        b.put((byte) 0x45).put((byte) 0).putShort((short) total)
                .putShort((short) 0x1234).putShort((short) 0x4000) // id, DF
                .put((byte) 64).put((byte) UDP).putShort((short) 0)
                .put(src).put(dst);
        b.putShort(10, (short) checksum(b.array(), 0, 20, 0));
        b.putShort((short) srcPort).putShort((short) dstPort).putShort((short) (8 + payload.length))
                .putShort((short) 0).put(payload);
        return b.array();
    }

    /** An IPv6/UDP packet; the UDP checksum is mandatory in IPv6 and computed here. */
    static byte[] udp6(byte[] src, byte[] dst, int srcPort, int dstPort, byte[] payload) {
        int udpLen = 8 + payload.length;
        ByteBuffer b = ByteBuffer.allocate(40 + udpLen);
        b.putInt(0x60000000).putShort((short) udpLen).put((byte) UDP).put((byte) 64)
                .put(src).put(dst)
                .putShort((short) srcPort).putShort((short) dstPort).putShort((short) udpLen)
                .putShort((short) 0).put(payload);
        int sum = udp6Checksum(b.array());
        b.putShort(46, (short) (sum == 0 ? 0xffff : sum));
        return b.array();
    }

    /** The UDP checksum over an IPv6/UDP packet, with its checksum field taken as is. */
    static int udp6Checksum(byte[] packet) {
        int udpLen = ((packet[4] & 0xff) << 8) | (packet[5] & 0xff);
        long pseudo = sum(packet, 8, 32) + udpLen + UDP;
        return checksum(packet, 40, udpLen, pseudo);
    }

    /** The Internet checksum (RFC 1071) of {@code len} bytes plus an initial partial sum. */
    static int checksum(byte[] data, int off, int len, long initial) {
        long sum = initial + sum(data, off, len);
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) (~sum & 0xffff);
    }

    private static long sum(byte[] data, int off, int len) {
        long sum = 0;
        for (int i = 0; i < len; i += 2) {
            int hi = data[off + i] & 0xff;
            int lo = i + 1 < len ? data[off + i + 1] & 0xff : 0;
            sum += (hi << 8) | lo;
        }
        return sum;
    }

    static int u16(byte[] p, int off) {
        return ((p[off] & 0xff) << 8) | (p[off + 1] & 0xff);
    }

    static byte[] slice(byte[] p, int off, int len) {
        byte[] out = new byte[len];
        System.arraycopy(p, off, out, 0, len);
        return out;
    }
}
