package dev.trellis.protocol.disco;

import dev.trellis.protocol.crypto.X25519;
import dev.trellis.protocol.key.DiscoPrivateKey;
import dev.trellis.protocol.key.DiscoPublicKey;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import org.bouncycastle.crypto.engines.Salsa20Engine;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * NaCl {@code crypto_box} (curve25519xsalsa20poly1305): the box key is HSalsa20 of the X25519
 * shared secret, and the box is XSalsa20 with a 24-byte nonce, authenticated by Poly1305 keyed
 * with the first 32 bytes of the key stream. Output is the 16-byte tag followed by the
 * ciphertext, as libsodium's {@code crypto_box_easy} and Go's {@code nacl/box.Seal} lay it out.
 *
 * <p>The JDK has X25519 but neither Salsa20 nor a stand-alone Poly1305, so those come from
 * BouncyCastle. Nonces must never repeat for a pair of keys; disco uses random ones, which at 192
 * bits cannot collide in practice.
 */
public final class NaclBox {
    public static final int NONCE_LENGTH = 24;
    /** Bytes a box adds to its plaintext: the Poly1305 tag. */
    public static final int OVERHEAD = 16;
    private static final int KEY_LENGTH = 32;
    /** "expand 32-byte k", little-endian words: Salsa20's constants. */
    private static final int[] SIGMA = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};

    private NaclBox() {}

    /**
     * Seals {@code plaintext} for {@code theirs} from {@code mine}.
     *
     * @throws InvalidKeyException if {@code theirs} is a low-order point (no shared secret)
     */
    public static byte[] seal(byte[] plaintext, byte[] nonce, DiscoPublicKey theirs, DiscoPrivateKey mine)
            throws InvalidKeyException {
        return SharedKey.derive(theirs, mine).seal(plaintext, nonce);
    }

    /**
     * Opens a box from {@code theirs} to {@code mine}.
     *
     * @throws AEADBadTagException if the box is shorter than a tag or does not authenticate
     * @throws InvalidKeyException if {@code theirs} is a low-order point
     */
    public static byte[] open(byte[] box, byte[] nonce, DiscoPublicKey theirs, DiscoPrivateKey mine)
            throws InvalidKeyException, AEADBadTagException {
        return SharedKey.derive(theirs, mine).open(box, 0, box.length, nonce);
    }

    /**
     * The precomputed box key for one pair of keys ({@code crypto_box_beforenm}): the same from
     * either side, so a node derives it once per peer and keeps it. Immutable and thread-safe.
     * It never prints itself.
     */
    public static final class SharedKey {
        private final byte[] key;

        private SharedKey(byte[] key) {
            this.key = key;
        }

        /** @throws InvalidKeyException if {@code theirs} is a low-order point */
        public static SharedKey derive(DiscoPublicKey theirs, DiscoPrivateKey mine) throws InvalidKeyException {
            byte[] dh = X25519.dh(mine.toBytes(), theirs.toBytes());
            try {
                return new SharedKey(hsalsa20(dh, new byte[16]));
            } finally {
                Arrays.fill(dh, (byte) 0);
            }
        }

        /** A box key given directly, as {@code crypto_secretbox} takes one; for tests against vectors. */
        static SharedKey ofBytes(byte[] key) {
            if (key.length != KEY_LENGTH) {
                throw new IllegalArgumentException("box key must be 32 bytes, got " + key.length);
            }
            return new SharedKey(key.clone());
        }

        /** Returns tag || ciphertext, {@link #OVERHEAD} bytes longer than {@code plaintext}. */
        public byte[] seal(byte[] plaintext, byte[] nonce) {
            return seal(plaintext, 0, plaintext.length, nonce);
        }

        public byte[] seal(byte[] src, int offset, int length, byte[] nonce) {
            Objects.checkFromIndexSize(offset, length, src.length);
            XSalsa20Engine cipher = cipher(nonce);
            byte[] out = new byte[OVERHEAD + length];
            byte[] macKey = macKey(cipher);
            cipher.processBytes(src, offset, length, out, OVERHEAD);
            mac(macKey, out, OVERHEAD, length, out, 0);
            return out;
        }

        /**
         * Opens {@code length} bytes of tag || ciphertext at {@code offset}.
         *
         * @throws AEADBadTagException if they are shorter than a tag or do not authenticate
         */
        public byte[] open(byte[] src, int offset, int length, byte[] nonce) throws AEADBadTagException {
            Objects.checkFromIndexSize(offset, length, src.length);
            if (length < OVERHEAD) {
                throw new AEADBadTagException("box of " + length + " bytes is shorter than its tag");
            }
            XSalsa20Engine cipher = cipher(nonce);
            byte[] macKey = macKey(cipher);
            byte[] tag = new byte[OVERHEAD];
            mac(macKey, src, offset + OVERHEAD, length - OVERHEAD, tag, 0);
            if (!MessageDigest.isEqual(tag, Arrays.copyOfRange(src, offset, offset + OVERHEAD))) {
                throw new AEADBadTagException("box does not authenticate");
            }
            byte[] out = new byte[length - OVERHEAD];
            cipher.processBytes(src, offset + OVERHEAD, out.length, out, 0);
            return out;
        }

        private XSalsa20Engine cipher(byte[] nonce) {
            if (nonce == null || nonce.length != NONCE_LENGTH) {
                throw new IllegalArgumentException("box nonce must be " + NONCE_LENGTH + " bytes");
            }
            XSalsa20Engine cipher = new XSalsa20Engine();
            cipher.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
            return cipher;
        }

        /** The first 32 bytes of the key stream key Poly1305; the message starts at byte 32. */
        private static byte[] macKey(XSalsa20Engine cipher) {
            byte[] macKey = new byte[KEY_LENGTH];
            cipher.processBytes(macKey, 0, KEY_LENGTH, macKey, 0);
            return macKey;
        }

        private static void mac(byte[] macKey, byte[] src, int offset, int length, byte[] out, int outOffset) {
            Poly1305 poly = new Poly1305();
            poly.init(new KeyParameter(macKey));
            poly.update(src, offset, length);
            poly.doFinal(out, outOffset);
        }

        @Override
        public String toString() {
            return "SharedKey[redacted]";
        }
    }

    /**
     * HSalsa20: the Salsa20 double rounds over key and a 16-byte input, without the final
     * feed-forward, keeping words 0, 5, 10, 15, 6, 7, 8, 9. BouncyCastle's core adds the input
     * back at the end, so it is subtracted again from the words kept.
     */
    static byte[] hsalsa20(byte[] key, byte[] in) {
        int[] state = new int[16];
        state[0] = SIGMA[0];
        state[5] = SIGMA[1];
        state[10] = SIGMA[2];
        state[15] = SIGMA[3];
        for (int i = 0; i < 4; i++) {
            state[1 + i] = le32(key, 4 * i);
            state[11 + i] = le32(key, 16 + 4 * i);
            state[6 + i] = le32(in, 4 * i);
        }
        int[] x = new int[16];
        Salsa20Engine.salsaCore(20, state, x);
        int[] pick = {0, 5, 10, 15, 6, 7, 8, 9};
        byte[] out = new byte[KEY_LENGTH];
        for (int i = 0; i < pick.length; i++) {
            int w = x[pick[i]] - state[pick[i]];
            out[4 * i] = (byte) w;
            out[4 * i + 1] = (byte) (w >>> 8);
            out[4 * i + 2] = (byte) (w >>> 16);
            out[4 * i + 3] = (byte) (w >>> 24);
        }
        Arrays.fill(state, 0);
        Arrays.fill(x, 0);
        return out;
    }

    private static int le32(byte[] b, int i) {
        return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16 | (b[i + 3] & 0xff) << 24;
    }
}
