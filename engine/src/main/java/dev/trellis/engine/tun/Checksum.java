package dev.trellis.engine.tun;

import java.nio.ByteBuffer;

/** The Internet checksum (RFC 1071), summed in a long so that folding waits until the end. */
final class Checksum {
    static final int UDP = 17;

    private Checksum() {
    }

    /** Adds the big-endian 16-bit words of {@code b[off, off+len)}, an odd last byte padded. */
    static long add(long sum, ByteBuffer b, int off, int len) {
        int i = off;
        int end = off + len;
        for (; i + 1 < end; i += 2) {
            sum += (b.get(i) & 0xff) << 8 | (b.get(i + 1) & 0xff);
        }
        if (i < end) {
            sum += (b.get(i) & 0xff) << 8;
        }
        return sum;
    }

    /** The pseudo-header sum of RFC 768 / RFC 8200 §8.1 for addresses at {@code src}, {@code dst}. */
    static long pseudoHeader(ByteBuffer b, int src, int dst, int addressLength, int proto, int length) {
        long sum = add(0, b, src, addressLength);
        sum = add(sum, b, dst, addressLength);
        return sum + proto + (length >>> 16) + (length & 0xffff);
    }

    /** The ones'-complement of the folded sum: the value for a checksum field. */
    static int finish(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) ~sum & 0xffff;
    }
}
