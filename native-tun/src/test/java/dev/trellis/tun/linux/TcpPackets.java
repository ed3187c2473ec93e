package dev.trellis.tun.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Builds and checks IPv4/IPv6 TCP packets for offload tests, with its own plain checksum
 * (16-bit words over byte arrays), independent of {@link Checksums}.
 */
final class TcpPackets {

    static final int FIN = 0x01;
    static final int SYN = 0x02;
    static final int RST = 0x04;
    static final int PSH = 0x08;
    static final int ACK = 0x10;
    static final int URG = 0x20;
    static final int ECE = 0x40;
    static final int CWR = 0x80;

    /** NOP, NOP, timestamps 0x01020304 / 0x05060708. */
    static final byte[] TIMESTAMPS = {1, 1, 8, 10, 1, 2, 3, 4, 5, 6, 7, 8};

    /** One direction of a connection; TTL, TOS and window are plain fields to vary in tests. */
    record Flow(byte[] src, byte[] dst, int srcPort, int dstPort, int ttl, int tos, int window) {
        static Flow v4() {
            return new Flow(new byte[] {(byte) 198, 18, 77, 2}, new byte[] {(byte) 198, 18, 77, 1},
                    443, 50000, 64, 0, 5000);
        }

        static Flow v6() {
            byte[] a = new byte[16];
            byte[] b = new byte[16];
            byte[] prefix = {(byte) 0xfd, 0x7a, 0x11, 0x5c, (byte) 0xa1, (byte) 0xe0};
            System.arraycopy(prefix, 0, a, 0, 6);
            System.arraycopy(prefix, 0, b, 0, 6);
            a[15] = 2;
            b[15] = 1;
            return new Flow(a, b, 443, 50000, 64, 0, 5000);
        }

        boolean isV6() {
            return src.length == 16;
        }

        Flow withDstPort(int port) {
            return new Flow(src, dst, srcPort, port, ttl, tos, window);
        }

        Flow withTtl(int t) {
            return new Flow(src, dst, srcPort, dstPort, t, tos, window);
        }

        Flow withTos(int t) {
            return new Flow(src, dst, srcPort, dstPort, ttl, t, window);
        }

        Flow withWindow(int w) {
            return new Flow(src, dst, srcPort, dstPort, ttl, tos, w);
        }

        Flow reversed() {
            return new Flow(dst, src, dstPort, srcPort, ttl, tos, window);
        }
    }

    private TcpPackets() {
    }

    /** A complete packet with correct IPv4 header and TCP checksums. */
    static byte[] segment(Flow f, int id, int seq, int ack, int flags, byte[] options,
            byte[] payload) {
        byte[] p = unchecked(f, id, seq, ack, flags, options, payload);
        int ip = ipLen(p);
        put16(p, ip + 16, tcpChecksum(p));
        return p;
    }

    /** Like {@link #segment} but the TCP checksum field holds the folded pseudo-header sum. */
    static byte[] partial(Flow f, int id, int seq, int ack, int flags, byte[] options,
            byte[] payload) {
        byte[] p = unchecked(f, id, seq, ack, flags, options, payload);
        put16(p, ipLen(p) + 16, fold(pseudo(p)));
        return p;
    }

    private static byte[] unchecked(Flow f, int id, int seq, int ack, int flags, byte[] options,
            byte[] payload) {
        int ip = f.isV6() ? 40 : 20;
        int tcpLen = 20 + options.length;
        byte[] p = new byte[ip + tcpLen + payload.length];
        if (f.isV6()) {
            p[0] = (byte) (0x60 | (f.tos() >> 4));
            p[1] = (byte) (f.tos() << 4);
            put16(p, 4, tcpLen + payload.length);
            p[6] = 6;
            p[7] = (byte) f.ttl();
            System.arraycopy(f.src(), 0, p, 8, 16);
            System.arraycopy(f.dst(), 0, p, 24, 16);
        } else {
            p[0] = 0x45;
            p[1] = (byte) f.tos();
            put16(p, 2, p.length);
            put16(p, 4, id);
            put16(p, 6, 0x4000);
            p[8] = (byte) f.ttl();
            p[9] = 6;
            System.arraycopy(f.src(), 0, p, 12, 4);
            System.arraycopy(f.dst(), 0, p, 16, 4);
            put16(p, 10, checksum(p, 0, 20, 0));
        }
        put16(p, ip, f.srcPort());
        put16(p, ip + 2, f.dstPort());
        put32(p, ip + 4, seq);
        put32(p, ip + 8, ack);
        p[ip + 12] = (byte) ((tcpLen / 4) << 4);
        p[ip + 13] = (byte) flags;
        put16(p, ip + 14, f.window());
        System.arraycopy(options, 0, p, ip + 20, options.length);
        System.arraycopy(payload, 0, p, ip + tcpLen, payload.length);
        return p;
    }

    static int ipLen(byte[] p) {
        return (p[0] & 0xf0) == 0x60 ? 40 : (p[0] & 0x0f) * 4;
    }

    static int tcpHeaderLen(byte[] p) {
        return ((p[ipLen(p) + 12] & 0xff) >> 4) * 4;
    }

    static byte[] payload(byte[] p) {
        int h = ipLen(p) + tcpHeaderLen(p);
        byte[] out = new byte[p.length - h];
        System.arraycopy(p, h, out, 0, out.length);
        return out;
    }

    /** The TCP checksum as the packet's checksum field should hold it (field taken as 0). */
    static int tcpChecksum(byte[] p) {
        byte[] q = p.clone();
        int ip = ipLen(q);
        put16(q, ip + 16, 0);
        return checksum(q, ip, q.length - ip, pseudo(q));
    }

    /** Whether the TCP checksum verifies (sum over pseudo-header and segment is 0xffff). */
    static boolean tcpChecksumValid(byte[] p) {
        int ip = ipLen(p);
        return checksum(p, ip, p.length - ip, pseudo(p)) == 0;
    }

    static boolean ipv4HeaderValid(byte[] p) {
        return checksum(p, 0, ipLen(p), 0) == 0;
    }

    private static long pseudo(byte[] p) {
        int ip = ipLen(p);
        boolean v6 = ip == 40 && (p[0] & 0xf0) == 0x60;
        return v6 ? sum(p, 8, 32) + 6 + (p.length - ip) : sum(p, 12, 8) + 6 + (p.length - ip);
    }

    static int checksum(byte[] data, int off, int len, long initial) {
        return ~fold(initial + sum(data, off, len)) & 0xffff;
    }

    static int fold(long sum) {
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) sum;
    }

    private static long sum(byte[] data, int off, int len) {
        long s = 0;
        for (int i = 0; i < len; i += 2) {
            int hi = data[off + i] & 0xff;
            int lo = i + 1 < len ? data[off + i + 1] & 0xff : 0;
            s += (hi << 8) | lo;
        }
        return s;
    }

    static int u16(byte[] p, int off) {
        return ((p[off] & 0xff) << 8) | (p[off + 1] & 0xff);
    }

    static int u32(byte[] p, int off) {
        return (u16(p, off) << 16) | u16(p, off + 2);
    }

    static void put16(byte[] p, int off, int v) {
        p[off] = (byte) (v >> 8);
        p[off + 1] = (byte) v;
    }

    static void put32(byte[] p, int off, int v) {
        put16(p, off, v >>> 16);
        put16(p, off + 2, v);
    }

    /** A virtio header (host order, as the kernel writes it) followed by {@code packet}. */
    static ByteBuffer virtio(int flags, int gsoType, int hdrLen, int gsoSize, int csumStart,
            int csumOffset, byte[] packet) {
        ByteBuffer b = ByteBuffer.allocateDirect(VirtioNetHdr.SIZE + 65600);
        ByteBuffer h = ByteBuffer.allocate(10).order(ByteOrder.nativeOrder());
        h.put((byte) flags).put((byte) gsoType).putShort((short) hdrLen)
                .putShort((short) gsoSize).putShort((short) csumStart)
                .putShort((short) csumOffset);
        b.put(0, h.array()).put(10, packet);
        return b;
    }

    /** Direct buffers the way the engine passes them: 9280 bytes, packets at {@code offset}. */
    static ByteBuffer[] buffers(int n) {
        ByteBuffer[] bufs = new ByteBuffer[n];
        for (int i = 0; i < n; i++) {
            bufs[i] = ByteBuffer.allocateDirect(9280);
        }
        return bufs;
    }

    static byte[] bytes(ByteBuffer b, int off, int len) {
        byte[] out = new byte[len];
        b.get(off, out);
        return out;
    }

    static byte[] pattern(int n, int seed) {
        byte[] p = new byte[n];
        for (int i = 0; i < n; i++) {
            p[i] = (byte) (i * 31 + seed + (i >> 8));
        }
        return p;
    }
}
