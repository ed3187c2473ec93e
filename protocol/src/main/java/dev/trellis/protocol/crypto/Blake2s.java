package dev.trellis.protocol.crypto;

import java.util.Arrays;
import java.util.Objects;
import org.bouncycastle.crypto.digests.Blake2sDigest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * BLAKE2s as WireGuard uses it: HASH, MAC (keyed BLAKE2s), HMAC and the Noise KDF.
 *
 * <p>Every call builds its own digest, so the methods are thread-safe. They run only on the
 * handshake and cookie paths, where a few small allocations per message do not matter.
 */
public final class Blake2s {

    /** Output length of HASH and HMAC, and of every KDF output. */
    public static final int HASH_LENGTH = 32;

    private Blake2s() {
    }

    /** BLAKE2s-256 of the concatenation of {@code parts}. */
    public static byte[] hash(byte[]... parts) {
        Blake2sDigest digest = new Blake2sDigest(HASH_LENGTH * 8);
        return finish(digest, HASH_LENGTH, parts);
    }

    /**
     * Keyed BLAKE2s (RFC 7693 §2.5) with an {@code outLen}-byte digest, as used for MAC1, MAC2
     * and the cookie. The output length is part of BLAKE2s's parameter block, so a 16-byte MAC is
     * not a truncated 32-byte one.
     *
     * @param key 0 to 32 bytes
     * @param outLen 1 to 32
     */
    public static byte[] mac(byte[] key, int outLen, byte[]... parts) {
        Objects.requireNonNull(key, "key");
        if (key.length > 32) {
            throw new IllegalArgumentException("BLAKE2s key is at most 32 bytes, got " + key.length);
        }
        if (outLen < 1 || outLen > 32) {
            throw new IllegalArgumentException("BLAKE2s output is 1..32 bytes, got " + outLen);
        }
        Blake2sDigest digest = new Blake2sDigest(key.length == 0 ? null : key, outLen, null, null);
        return finish(digest, outLen, parts);
    }

    /**
     * HMAC-BLAKE2s-256: RFC 2104 over BLAKE2s-256 with its 64-byte block, which is what WireGuard
     * (and Noise) call HMAC. Not keyed BLAKE2s: the two give different results.
     */
    public static byte[] hmac(byte[] key, byte[]... parts) {
        Objects.requireNonNull(key, "key");
        // BouncyCastle's HMac takes the block size from ExtendedDigest.getByteLength(), which for
        // Blake2sDigest is 64; BlakeHmacTest checks this against a by-hand ipad/opad construction.
        HMac hmac = new HMac(new Blake2sDigest(HASH_LENGTH * 8));
        hmac.init(new KeyParameter(key));
        for (byte[] part : parts) {
            hmac.update(part, 0, part.length);
        }
        byte[] out = new byte[HASH_LENGTH];
        hmac.doFinal(out, 0);
        return out;
    }

    /**
     * WireGuard's KDF_n(key, input): T0 = HMAC(key, input); T1 = HMAC(T0, 0x1);
     * Ti = HMAC(T0, T(i-1) || i). Returns n 32-byte outputs.
     *
     * @param n 1, 2 or 3
     */
    public static byte[][] kdf(int n, byte[] chainingKey, byte[] input) {
        if (n < 1 || n > 3) {
            throw new IllegalArgumentException("KDF yields 1..3 outputs, asked for " + n);
        }
        byte[] prk = hmac(chainingKey, input);
        byte[][] out = new byte[n][];
        byte[] previous = new byte[0];
        for (int i = 0; i < n; i++) {
            out[i] = hmac(prk, previous, new byte[] {(byte) (i + 1)});
            previous = out[i];
        }
        // T0 is the secret from which every output derives; do not leave it for the GC to find.
        Arrays.fill(prk, (byte) 0);
        return out;
    }

    private static byte[] finish(Blake2sDigest digest, int outLen, byte[][] parts) {
        for (byte[] part : parts) {
            digest.update(part, 0, part.length);
        }
        byte[] out = new byte[outLen];
        digest.doFinal(out, 0);
        return out;
    }
}
