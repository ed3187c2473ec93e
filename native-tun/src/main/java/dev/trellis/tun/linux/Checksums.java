package dev.trellis.tun.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The Internet checksum (RFC 1071) over {@link ByteBuffer}s, independent of the buffers' byte
 * order, and the big-endian field accessors the packet code shares.
 *
 * <p>Sums are kept unfolded in a {@code long}: adding 32-bit words and folding at the end gives
 * the same ones'-complement result as adding 16-bit words (2^16 ≡ 1 mod 2^16−1), with a
 * quarter of the work. No carries are lost for any buffer a Java array index can address.
 */
final class Checksums {

    static final int TCP = 6;
    static final int UDP = 17;

    private Checksums() {
    }

    /** Adds {@code b[off, off+len)} as big-endian 16-bit words (an odd last byte padded). */
    static long add(ByteBuffer b, int off, int len, long sum) {
        boolean swap = b.order() == ByteOrder.LITTLE_ENDIAN;
        int i = off;
        int end = off + len;
        for (; end - i >= 8; i += 8) {
            long w = b.getLong(i);
            if (swap) {
                w = Long.reverseBytes(w);
            }
            sum += (w >>> 32) + (w & 0xffffffffL);
        }
        if (end - i >= 4) {
            sum += u32(b, i) & 0xffffffffL;
            i += 4;
        }
        if (end - i >= 2) {
            sum += u16(b, i);
            i += 2;
        }
        if (i < end) {
            sum += (b.get(i) & 0xff) << 8;
        }
        return sum;
    }

    /** Folds a partial sum to 16 bits with end-around carries; not complemented. */
    static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }

    /** The checksum field value for {@code b[off, off+len)} plus a partial sum. */
    static int checksum(ByteBuffer b, int off, int len, long initial) {
        return ~fold(add(b, off, len, initial)) & 0xffff;
    }

    /**
     * The unfolded pseudo-header sum of the IPv4 or IPv6 packet at {@code ip} (addresses,
     * protocol and upper-layer length): RFC 793 and RFC 8200 section 8.1.
     */
    static long pseudoHeader(ByteBuffer b, int ip, boolean v6, int protocol, int length) {
        return v6 ? add(b, ip + 8, 32, protocol + length) : add(b, ip + 12, 8, protocol + length);
    }

    static int u16(ByteBuffer b, int i) {
        return ((b.get(i) & 0xff) << 8) | (b.get(i + 1) & 0xff);
    }

    static void put16(ByteBuffer b, int i, int v) {
        b.put(i, (byte) (v >>> 8));
        b.put(i + 1, (byte) v);
    }

    static int u32(ByteBuffer b, int i) {
        int v = b.getInt(i);
        return b.order() == ByteOrder.BIG_ENDIAN ? v : Integer.reverseBytes(v);
    }

    static void put32(ByteBuffer b, int i, int v) {
        b.putInt(i, b.order() == ByteOrder.BIG_ENDIAN ? v : Integer.reverseBytes(v));
    }

    /** Whether {@code a[ai, ai+len)} and {@code b[bi, bi+len)} hold the same bytes. */
    static boolean same(ByteBuffer a, int ai, ByteBuffer b, int bi, int len) {
        for (int k = 0; k < len; k++) {
            if (a.get(ai + k) != b.get(bi + k)) {
                return false;
            }
        }
        return true;
    }
}
