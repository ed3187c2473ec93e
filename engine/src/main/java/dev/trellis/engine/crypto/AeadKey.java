package dev.trellis.engine.crypto;

import dev.trellis.protocol.crypto.ChaChaPoly;
import java.util.Objects;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * A ChaCha20-Poly1305 session key in the forms both transport implementations want (a JDK
 * SecretKey and ChaCha20's key words), built once per keypair so that the data path does not
 * build a key object per packet.
 *
 * <p>The JDK copies the bytes (here and again on every cipher init) and offers no way to wipe its
 * copies; the key lives until the garbage collector reclaims it, as in any JCE-based code.
 */
public final class AeadKey {

    private final SecretKey key;
    /** The key as ChaCha20's eight little-endian words, for {@link ChaCha20Poly1305Engine}. */
    private final int[] words = new int[8];

    public AeadKey(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length != ChaChaPoly.KEY_LENGTH) {
            throw new IllegalArgumentException("ChaCha20 key is 32 bytes, got " + key.length);
        }
        this.key = new SecretKeySpec(key, "ChaCha20");
        for (int i = 0; i < 8; i++) {
            words[i] = (key[4 * i] & 0xff) | (key[4 * i + 1] & 0xff) << 8
                    | (key[4 * i + 2] & 0xff) << 16 | (key[4 * i + 3] & 0xff) << 24;
        }
    }

    /** Shared, not copied: callers must not write to it. */
    int[] words() {
        return words;
    }

    SecretKey secretKey() {
        return key;
    }

    @Override
    public String toString() {
        return "AeadKey[ChaCha20-Poly1305]";
    }
}
