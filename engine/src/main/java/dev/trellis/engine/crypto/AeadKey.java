package dev.trellis.engine.crypto;

import java.util.Objects;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * A ChaCha20-Poly1305 session key in the form the JDK cipher wants, built once per keypair so
 * that the data path does not build a key object per packet.
 *
 * <p>The JDK copies the bytes (here and again on every cipher init) and offers no way to wipe its
 * copies; the key lives until the garbage collector reclaims it, as in any JCE-based code.
 */
public final class AeadKey {

    private final SecretKey key;

    public AeadKey(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length != ChaChaPoly.KEY_LENGTH) {
            throw new IllegalArgumentException("ChaCha20 key is 32 bytes, got " + key.length);
        }
        this.key = new SecretKeySpec(key, "ChaCha20");
    }

    SecretKey secretKey() {
        return key;
    }

    @Override
    public String toString() {
        return "AeadKey[ChaCha20-Poly1305]";
    }
}
