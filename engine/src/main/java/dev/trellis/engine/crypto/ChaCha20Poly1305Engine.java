package dev.trellis.engine.crypto;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * RFC 8439 ChaCha20-Poly1305 in plain Java that allocates nothing per call and works on heap and
 * direct ByteBuffers where they lie. Not thread-safe: one instance per thread, its state reused.
 *
 * <p>Buffers are addressed by absolute index through a little-endian VarHandle view, so neither
 * the caller's positions nor its byte order change, and no duplicate or slice is made.
 *
 * <p>Aliasing: input and output may overlap when the output starts at or before the input (the
 * same index is the common case). Every word is read before the word at the same offset is
 * written, front to back, so an output at or behind the input never overwrites unread input.
 * An output ahead of the input inside it is not supported here; {@link TransportAead} copies.
 *
 * <p>Poly1305 uses five 26-bit limbs in longs (poly1305-donna-32): every product of a limb and
 * r (or 5r) stays under 2^56 and a sum of five under 2^59, so no 128-bit arithmetic is needed
 * and the carry chain is branch-free. Three 44-bit limbs with Math.multiplyHigh were tried and
 * measured slower on the reference machine (AMD EPYC: 1.46 against 1.33 µs per 1420 bytes).
 * Every AEAD block is a whole 16 bytes (segments are zero padded, RFC 8439 §2.8), so the 2^128
 * bit is always set except in the bare MAC used for tests.
 */
final class ChaCha20Poly1305Engine {

    static final int TAG_LENGTH = 16;

    private static final VarHandle INT =
            MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int M26 = 0x3ffffff;
    private static final int HIBIT = 1 << 24;

    /** The ChaCha20 input block apart from the counter word (index 12), which is per call. */
    private final int[] state = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    private final int[] ks = new int[16];

    private long r0, r1, r2, r3, r4, s1, s2, s3, s4;
    private long h0, h1, h2, h3, h4;
    private int pad0, pad1, pad2, pad3;
    /** The tag left by {@link #finish()}, as four little-endian words. */
    private int t0, t1, t2, t3;

    /** Seals with WireGuard's nonce (4 zero bytes, then counter little-endian) and no AAD. */
    void seal(int[] key, long counter, ByteBuffer src, int srcOff, int len, ByteBuffer dst, int dstOff) {
        seal(key, 0, (int) counter, (int) (counter >>> 32), null, 0, 0, src, srcOff, len, dst, dstOff);
    }

    /** Returns false, having written nothing, if the tag at srcOff + len does not verify. */
    boolean open(int[] key, long counter, ByteBuffer src, int srcOff, int len, ByteBuffer dst, int dstOff) {
        return open(key, 0, (int) counter, (int) (counter >>> 32), null, 0, 0, src, srcOff, len, dst, dstOff);
    }

    /**
     * Encrypts len bytes of src at srcOff to dst at dstOff and writes the tag after them. n0..n2
     * are the nonce's three little-endian words; aad may be null when aadLen is 0.
     */
    void seal(int[] key, int n0, int n1, int n2, ByteBuffer aad, int aadOff, int aadLen,
            ByteBuffer src, int srcOff, int len, ByteBuffer dst, int dstOff) {
        start(key, n0, n1, n2);
        if (aadLen > 0) {
            macPadded(aad, aadOff, aadLen);
        }
        int[] k = ks;
        int counter = 1;
        int i = 0;
        // Full blocks: the MAC takes the ciphertext words from registers instead of re-reading.
        for (; len - i >= 64; i += 64) {
            block(counter++);
            int s = srcOff + i;
            int d = dstOff + i;
            for (int w = 0; w < 64; w += 16) {
                int c0 = (int) INT.get(src, s + w) ^ k[w >> 2];
                int c1 = (int) INT.get(src, s + w + 4) ^ k[(w >> 2) + 1];
                int c2 = (int) INT.get(src, s + w + 8) ^ k[(w >> 2) + 2];
                int c3 = (int) INT.get(src, s + w + 12) ^ k[(w >> 2) + 3];
                INT.set(dst, d + w, c0);
                INT.set(dst, d + w + 4, c1);
                INT.set(dst, d + w + 8, c2);
                INT.set(dst, d + w + 12, c3);
                polyBlock(c0, c1, c2, c3, HIBIT);
            }
        }
        if (i < len) {
            block(counter);
            xorTail(src, srcOff + i, dst, dstOff + i, len - i);
            macPadded(dst, dstOff + i, len - i);
        }
        polyBlock(aadLen, 0, len, 0, HIBIT);
        finish();
        int tag = dstOff + len;
        INT.set(dst, tag, t0);
        INT.set(dst, tag + 4, t1);
        INT.set(dst, tag + 8, t2);
        INT.set(dst, tag + 12, t3);
    }

    /**
     * Verifies the tag at srcOff + len, then decrypts len bytes to dst at dstOff. The whole MAC
     * is computed before a byte is written: decrypting first would, in place, destroy the
     * ciphertext of a forged packet (the contract is that a failed open changes nothing) and
     * would hand unauthenticated plaintext to memory others may read.
     */
    boolean open(int[] key, int n0, int n1, int n2, ByteBuffer aad, int aadOff, int aadLen,
            ByteBuffer src, int srcOff, int len, ByteBuffer dst, int dstOff) {
        start(key, n0, n1, n2);
        if (aadLen > 0) {
            macPadded(aad, aadOff, aadLen);
        }
        macPadded(src, srcOff, len);
        polyBlock(aadLen, 0, len, 0, HIBIT);
        finish();
        int tag = srcOff + len;
        // Constant time: every word is compared whatever the first difference.
        int diff = (t0 ^ (int) INT.get(src, tag)) | (t1 ^ (int) INT.get(src, tag + 4))
                | (t2 ^ (int) INT.get(src, tag + 8)) | (t3 ^ (int) INT.get(src, tag + 12));
        if (diff != 0) {
            return false;
        }
        xor(1, src, srcOff, dst, dstOff, len);
        return true;
    }

    /** Raw ChaCha20 (RFC 8439 §2.4) from block {@code counter}; for tests. */
    void chacha20(int[] key, int counter, int n0, int n1, int n2,
            ByteBuffer src, int srcOff, ByteBuffer dst, int dstOff, int len) {
        setKey(key, n0, n1, n2);
        xor(counter, src, srcOff, dst, dstOff, len);
    }

    /** Bare Poly1305 (RFC 8439 §2.5) of msg under a 32-byte one-time key; for tests. */
    void poly1305(ByteBuffer oneTimeKey, ByteBuffer msg, int len, ByteBuffer tagOut) {
        polyKey((int) INT.get(oneTimeKey, 0), (int) INT.get(oneTimeKey, 4),
                (int) INT.get(oneTimeKey, 8), (int) INT.get(oneTimeKey, 12),
                (int) INT.get(oneTimeKey, 16), (int) INT.get(oneTimeKey, 20),
                (int) INT.get(oneTimeKey, 24), (int) INT.get(oneTimeKey, 28));
        int i = 0;
        for (; len - i >= 16; i += 16) {
            polyBlock((int) INT.get(msg, i), (int) INT.get(msg, i + 4),
                    (int) INT.get(msg, i + 8), (int) INT.get(msg, i + 12), HIBIT);
        }
        if (i < len) {
            // A short final block carries its 2^(8n) bit as a 0x01 byte after the message.
            int[] w = new int[4];
            for (int j = 0; j < len - i; j++) {
                w[j >> 2] |= (msg.get(i + j) & 0xff) << ((j & 3) << 3);
            }
            w[(len - i) >> 2] |= 1 << (((len - i) & 3) << 3);
            polyBlock(w[0], w[1], w[2], w[3], 0);
        }
        finish();
        INT.set(tagOut, 0, t0);
        INT.set(tagOut, 4, t1);
        INT.set(tagOut, 8, t2);
        INT.set(tagOut, 12, t3);
    }

    private void setKey(int[] key, int n0, int n1, int n2) {
        System.arraycopy(key, 0, state, 4, 8);
        state[13] = n0;
        state[14] = n1;
        state[15] = n2;
    }

    /** Keys the cipher and derives the one-time Poly1305 key from block 0. */
    private void start(int[] key, int n0, int n1, int n2) {
        setKey(key, n0, n1, n2);
        block(0);
        int[] k = ks;
        polyKey(k[0], k[1], k[2], k[3], k[4], k[5], k[6], k[7]);
    }

    private void polyKey(int k0, int k1, int k2, int k3, int k4, int k5, int k6, int k7) {
        // Clamping (RFC 8439 §2.5.1) folded into the limb masks.
        r0 = k0 & 0x3ffffff;
        r1 = ((k0 >>> 26) | (k1 << 6)) & 0x3ffff03;
        r2 = ((k1 >>> 20) | (k2 << 12)) & 0x3ffc0ff;
        r3 = ((k2 >>> 14) | (k3 << 18)) & 0x3f03fff;
        r4 = (k3 >>> 8) & 0x00fffff;
        s1 = r1 * 5;
        s2 = r2 * 5;
        s3 = r3 * 5;
        s4 = r4 * 5;
        h0 = h1 = h2 = h3 = h4 = 0;
        pad0 = k4;
        pad1 = k5;
        pad2 = k6;
        pad3 = k7;
    }

    /** h = (h + block) * r mod 2^130 - 5, block given as four little-endian words. */
    private void polyBlock(int w0, int w1, int w2, int w3, int hibit) {
        long a0 = h0 + (w0 & M26);
        long a1 = h1 + (((w0 >>> 26) | (w1 << 6)) & M26);
        long a2 = h2 + (((w1 >>> 20) | (w2 << 12)) & M26);
        long a3 = h3 + (((w2 >>> 14) | (w3 << 18)) & M26);
        long a4 = h4 + ((w3 >>> 8) | hibit);

        long d0 = a0 * r0 + a1 * s4 + a2 * s3 + a3 * s2 + a4 * s1;
        long d1 = a0 * r1 + a1 * r0 + a2 * s4 + a3 * s3 + a4 * s2;
        long d2 = a0 * r2 + a1 * r1 + a2 * r0 + a3 * s4 + a4 * s3;
        long d3 = a0 * r3 + a1 * r2 + a2 * r1 + a3 * r0 + a4 * s4;
        long d4 = a0 * r4 + a1 * r3 + a2 * r2 + a3 * r1 + a4 * r0;

        d1 += d0 >>> 26;
        d2 += d1 >>> 26;
        d3 += d2 >>> 26;
        d4 += d3 >>> 26;
        long c = d4 >>> 26;
        long e0 = (d0 & M26) + c * 5;
        h0 = e0 & M26;
        h1 = (d1 & M26) + (e0 >>> 26);
        h2 = d2 & M26;
        h3 = d3 & M26;
        h4 = d4 & M26;
    }

    /** Fully reduces h, adds the pad and leaves the tag in t0..t3. */
    private void finish() {
        long c;
        c = h1 >>> 26; h1 &= M26; h2 += c;
        c = h2 >>> 26; h2 &= M26; h3 += c;
        c = h3 >>> 26; h3 &= M26; h4 += c;
        c = h4 >>> 26; h4 &= M26; h0 += c * 5;
        c = h0 >>> 26; h0 &= M26; h1 += c;

        // g = h + 5 - 2^130; take g when it is non-negative (h >= p), without branching.
        long g0 = h0 + 5;
        c = g0 >>> 26; g0 &= M26;
        long g1 = h1 + c;
        c = g1 >>> 26; g1 &= M26;
        long g2 = h2 + c;
        c = g2 >>> 26; g2 &= M26;
        long g3 = h3 + c;
        c = g3 >>> 26; g3 &= M26;
        long g4 = h4 + c - (1L << 26);
        long useG = (g4 >>> 63) - 1;
        long useH = ~useG;
        long f0 = (h0 & useH) | (g0 & useG);
        long f1 = (h1 & useH) | (g1 & useG);
        long f2 = (h2 & useH) | (g2 & useG);
        long f3 = (h3 & useH) | (g3 & useG);
        long f4 = (h4 & useH) | (g4 & useG);

        long w0 = (f0 | (f1 << 26)) & 0xffffffffL;
        long w1 = ((f1 >>> 6) | (f2 << 20)) & 0xffffffffL;
        long w2 = ((f2 >>> 12) | (f3 << 14)) & 0xffffffffL;
        long w3 = ((f3 >>> 18) | (f4 << 8)) & 0xffffffffL;
        long f = w0 + (pad0 & 0xffffffffL);
        t0 = (int) f;
        f = w1 + (pad1 & 0xffffffffL) + (f >>> 32);
        t1 = (int) f;
        f = w2 + (pad2 & 0xffffffffL) + (f >>> 32);
        t2 = (int) f;
        f = w3 + (pad3 & 0xffffffffL) + (f >>> 32);
        t3 = (int) f;
    }

    /** MACs len bytes as whole 16-byte blocks, the last one zero-padded (RFC 8439 §2.8). */
    private void macPadded(ByteBuffer buf, int off, int len) {
        int i = 0;
        for (; len - i >= 16; i += 16) {
            int p = off + i;
            polyBlock((int) INT.get(buf, p), (int) INT.get(buf, p + 4),
                    (int) INT.get(buf, p + 8), (int) INT.get(buf, p + 12), HIBIT);
        }
        if (i < len) {
            int p = off + i;
            int n = len - i;
            polyBlock(partialWord(buf, p, n), partialWord(buf, p + 4, n - 4),
                    partialWord(buf, p + 8, n - 8), partialWord(buf, p + 12, n - 12), HIBIT);
        }
    }

    /** The little-endian word at p with only its first n bytes (n may be <= 0 or >= 4). */
    private static int partialWord(ByteBuffer buf, int p, int n) {
        if (n >= 4) {
            return (int) INT.get(buf, p);
        }
        int w = 0;
        for (int j = 0; j < n; j++) {
            w |= (buf.get(p + j) & 0xff) << (j << 3);
        }
        return w;
    }

    /** Pure keystream XOR from block {@code counter}, for open (already authenticated). */
    private void xor(int counter, ByteBuffer src, int srcOff, ByteBuffer dst, int dstOff, int len) {
        int[] k = ks;
        int i = 0;
        for (; len - i >= 64; i += 64) {
            block(counter++);
            int s = srcOff + i;
            int d = dstOff + i;
            for (int w = 0; w < 64; w += 16) {
                int c0 = (int) INT.get(src, s + w) ^ k[w >> 2];
                int c1 = (int) INT.get(src, s + w + 4) ^ k[(w >> 2) + 1];
                int c2 = (int) INT.get(src, s + w + 8) ^ k[(w >> 2) + 2];
                int c3 = (int) INT.get(src, s + w + 12) ^ k[(w >> 2) + 3];
                INT.set(dst, d + w, c0);
                INT.set(dst, d + w + 4, c1);
                INT.set(dst, d + w + 8, c2);
                INT.set(dst, d + w + 12, c3);
            }
        }
        if (i < len) {
            block(counter);
            xorTail(src, srcOff + i, dst, dstOff + i, len - i);
        }
    }

    /** XORs n < 64 bytes with the keystream block in ks. */
    private void xorTail(ByteBuffer src, int s, ByteBuffer dst, int d, int n) {
        int[] k = ks;
        int j = 0;
        for (; n - j >= 4; j += 4) {
            INT.set(dst, d + j, (int) INT.get(src, s + j) ^ k[j >> 2]);
        }
        for (; j < n; j++) {
            dst.put(d + j, (byte) (src.get(s + j) ^ (k[j >> 2] >>> ((j & 3) << 3))));
        }
    }

    /** One ChaCha20 block (RFC 8439 §2.3) for the given block counter, into ks. */
    private void block(int counter) {
        int[] in = state;
        int x0 = in[0], x1 = in[1], x2 = in[2], x3 = in[3];
        int x4 = in[4], x5 = in[5], x6 = in[6], x7 = in[7];
        int x8 = in[8], x9 = in[9], x10 = in[10], x11 = in[11];
        int x12 = counter, x13 = in[13], x14 = in[14], x15 = in[15];
        for (int round = 0; round < 10; round++) {
            x0 += x4; x12 = Integer.rotateLeft(x12 ^ x0, 16); x8 += x12; x4 = Integer.rotateLeft(x4 ^ x8, 12);
            x0 += x4; x12 = Integer.rotateLeft(x12 ^ x0, 8); x8 += x12; x4 = Integer.rotateLeft(x4 ^ x8, 7);
            x1 += x5; x13 = Integer.rotateLeft(x13 ^ x1, 16); x9 += x13; x5 = Integer.rotateLeft(x5 ^ x9, 12);
            x1 += x5; x13 = Integer.rotateLeft(x13 ^ x1, 8); x9 += x13; x5 = Integer.rotateLeft(x5 ^ x9, 7);
            x2 += x6; x14 = Integer.rotateLeft(x14 ^ x2, 16); x10 += x14; x6 = Integer.rotateLeft(x6 ^ x10, 12);
            x2 += x6; x14 = Integer.rotateLeft(x14 ^ x2, 8); x10 += x14; x6 = Integer.rotateLeft(x6 ^ x10, 7);
            x3 += x7; x15 = Integer.rotateLeft(x15 ^ x3, 16); x11 += x15; x7 = Integer.rotateLeft(x7 ^ x11, 12);
            x3 += x7; x15 = Integer.rotateLeft(x15 ^ x3, 8); x11 += x15; x7 = Integer.rotateLeft(x7 ^ x11, 7);

            x0 += x5; x15 = Integer.rotateLeft(x15 ^ x0, 16); x10 += x15; x5 = Integer.rotateLeft(x5 ^ x10, 12);
            x0 += x5; x15 = Integer.rotateLeft(x15 ^ x0, 8); x10 += x15; x5 = Integer.rotateLeft(x5 ^ x10, 7);
            x1 += x6; x12 = Integer.rotateLeft(x12 ^ x1, 16); x11 += x12; x6 = Integer.rotateLeft(x6 ^ x11, 12);
            x1 += x6; x12 = Integer.rotateLeft(x12 ^ x1, 8); x11 += x12; x6 = Integer.rotateLeft(x6 ^ x11, 7);
            x2 += x7; x13 = Integer.rotateLeft(x13 ^ x2, 16); x8 += x13; x7 = Integer.rotateLeft(x7 ^ x8, 12);
            x2 += x7; x13 = Integer.rotateLeft(x13 ^ x2, 8); x8 += x13; x7 = Integer.rotateLeft(x7 ^ x8, 7);
            x3 += x4; x14 = Integer.rotateLeft(x14 ^ x3, 16); x9 += x14; x4 = Integer.rotateLeft(x4 ^ x9, 12);
            x3 += x4; x14 = Integer.rotateLeft(x14 ^ x3, 8); x9 += x14; x4 = Integer.rotateLeft(x4 ^ x9, 7);
        }
        int[] out = ks;
        out[0] = x0 + in[0]; out[1] = x1 + in[1]; out[2] = x2 + in[2]; out[3] = x3 + in[3];
        out[4] = x4 + in[4]; out[5] = x5 + in[5]; out[6] = x6 + in[6]; out[7] = x7 + in[7];
        out[8] = x8 + in[8]; out[9] = x9 + in[9]; out[10] = x10 + in[10]; out[11] = x11 + in[11];
        out[12] = x12 + counter; out[13] = x13 + in[13]; out[14] = x14 + in[14]; out[15] = x15 + in[15];
    }
}
