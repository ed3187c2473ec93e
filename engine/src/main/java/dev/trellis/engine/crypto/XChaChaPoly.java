package dev.trellis.engine.crypto;

import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.modes.XChaCha20Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha-03) with a 24-byte nonce, which WireGuard uses for
 * cookie replies because their nonce is random and 96 bits would be too few to pick at random.
 *
 * <p>The JDK has no XChaCha, so this is BouncyCastle's lightweight {@link XChaCha20Poly1305}
 * (HChaCha20 subkey, then RFC 8439 with nonce 0⁴ || nonce[16..24]). Cookie replies are rare and
 * tiny, so the missing intrinsics do not matter.
 */
public final class XChaChaPoly {

    public static final int KEY_LENGTH = 32;
    public static final int NONCE_LENGTH = 24;
    public static final int TAG_LENGTH = 16;

    private XChaChaPoly() {
    }

    /** Returns ciphertext || 16-byte tag. */
    public static byte[] seal(byte[] key, byte[] nonce24, byte[] plaintext, byte[] aad) {
        Objects.requireNonNull(plaintext, "plaintext");
        XChaCha20Poly1305 aead = init(true, key, nonce24, aad);
        byte[] out = new byte[aead.getOutputSize(plaintext.length)];
        int n = aead.processBytes(plaintext, 0, plaintext.length, out, 0);
        try {
            aead.doFinal(out, n);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("XChaCha20-Poly1305 seal failed", e);
        }
        return out;
    }

    /**
     * Returns the plaintext of ciphertext || tag.
     *
     * @throws AEADBadTagException if the tag does not verify (including input shorter than a tag)
     */
    public static byte[] open(byte[] key, byte[] nonce24, byte[] ciphertextAndTag, byte[] aad)
            throws AEADBadTagException {
        Objects.requireNonNull(ciphertextAndTag, "ciphertextAndTag");
        if (ciphertextAndTag.length < TAG_LENGTH) {
            throw new AEADBadTagException("input shorter than a Poly1305 tag");
        }
        XChaCha20Poly1305 aead = init(false, key, nonce24, aad);
        // BouncyCastle streams plaintext into `out` before it checks the tag; `out` is private to
        // this call and dropped (zeroed) on failure, so unauthenticated plaintext never escapes.
        byte[] out = new byte[aead.getOutputSize(ciphertextAndTag.length)];
        int n = aead.processBytes(ciphertextAndTag, 0, ciphertextAndTag.length, out, 0);
        try {
            aead.doFinal(out, n);
        } catch (InvalidCipherTextException e) {
            Arrays.fill(out, (byte) 0);
            AEADBadTagException bad = new AEADBadTagException("XChaCha20-Poly1305 tag mismatch");
            bad.initCause(e);
            throw bad;
        }
        return out;
    }

    private static XChaCha20Poly1305 init(boolean encrypt, byte[] key, byte[] nonce, byte[] aad) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(nonce, "nonce24");
        if (key.length != KEY_LENGTH) {
            throw new IllegalArgumentException("XChaCha20 key is 32 bytes, got " + key.length);
        }
        if (nonce.length != NONCE_LENGTH) {
            throw new IllegalArgumentException("XChaCha20 nonce is 24 bytes, got " + nonce.length);
        }
        XChaCha20Poly1305 aead = new XChaCha20Poly1305();
        aead.init(encrypt, new ParametersWithIV(new KeyParameter(key), nonce));
        if (aad != null && aad.length > 0) {
            aead.processAADBytes(aad, 0, aad.length);
        }
        return aead;
    }
}
