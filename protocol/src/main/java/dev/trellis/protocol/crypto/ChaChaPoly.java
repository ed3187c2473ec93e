package dev.trellis.protocol.crypto;

import java.security.GeneralSecurityException;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * ChaCha20-Poly1305 (RFC 8439) with WireGuard's nonce: four zero bytes, then the 64-bit counter
 * little-endian. For handshake messages; the data path uses {@link TransportAead}.
 *
 * <p>Each call takes a fresh JDK {@link Cipher}. Reusing one would trip its guard against
 * encrypting twice under the same key and nonce, which a static API cannot rule out for its
 * callers (a test re-sealing a vector, say); a handshake message can afford the lookup.
 */
public final class ChaChaPoly {

    public static final int KEY_LENGTH = 32;
    public static final int NONCE_LENGTH = 12;
    public static final int TAG_LENGTH = 16;

    private ChaChaPoly() {
    }

    /** Returns ciphertext || 16-byte tag. */
    public static byte[] seal(byte[] key, long counter, byte[] plaintext, byte[] aad) {
        return sealWithNonce(key, nonce(counter), plaintext, aad);
    }

    /**
     * Returns the plaintext of ciphertext || tag.
     *
     * @throws AEADBadTagException if the tag does not verify (including input shorter than a tag)
     */
    public static byte[] open(byte[] key, long counter, byte[] ciphertextAndTag, byte[] aad)
            throws AEADBadTagException {
        return openWithNonce(key, nonce(counter), ciphertextAndTag, aad);
    }

    /** WireGuard's 96-bit nonce for {@code counter}, which is unsigned: -1 is 2^64 - 1. */
    public static byte[] nonce(long counter) {
        byte[] nonce = new byte[NONCE_LENGTH];
        writeNonce(counter, nonce);
        return nonce;
    }

    /** Bytes 0..3 stay zero; the caller's array is reused on the data path. */
    public static void writeNonce(long counter, byte[] nonce) {
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (counter >>> (8 * i));
        }
    }

    /** RFC 8439 §2.8 with an arbitrary 12-byte nonce, so its test vector can be checked. */
    public static byte[] sealWithNonce(byte[] key, byte[] nonce, byte[] plaintext, byte[] aad) {
        Objects.requireNonNull(plaintext, "plaintext");
        try {
            return cipher(Cipher.ENCRYPT_MODE, key, nonce, aad).doFinal(plaintext);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 seal failed", e);
        }
    }

    public static byte[] openWithNonce(byte[] key, byte[] nonce, byte[] ciphertextAndTag, byte[] aad)
            throws AEADBadTagException {
        Objects.requireNonNull(ciphertextAndTag, "ciphertextAndTag");
        if (ciphertextAndTag.length < TAG_LENGTH) {
            throw new AEADBadTagException("input shorter than a Poly1305 tag");
        }
        try {
            return cipher(Cipher.DECRYPT_MODE, key, nonce, aad).doFinal(ciphertextAndTag);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 open failed", e);
        }
    }

    private static Cipher cipher(int mode, byte[] key, byte[] nonce, byte[] aad)
            throws GeneralSecurityException {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(nonce, "nonce");
        if (key.length != KEY_LENGTH) {
            throw new IllegalArgumentException("ChaCha20 key is 32 bytes, got " + key.length);
        }
        if (nonce.length != NONCE_LENGTH) {
            throw new IllegalArgumentException("ChaCha20 nonce is 12 bytes, got " + nonce.length);
        }
        Cipher cipher = Cipher.getInstance("ChaCha20-Poly1305");
        cipher.init(mode, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
        if (aad != null && aad.length > 0) {
            cipher.updateAAD(aad);
        }
        return cipher;
    }
}
