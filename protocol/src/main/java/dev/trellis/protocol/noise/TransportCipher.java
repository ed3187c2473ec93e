package dev.trellis.protocol.noise;

import dev.trellis.protocol.crypto.ChaChaPoly;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;

/**
 * One direction's transport CipherState: a key and the count of records it has protected, which
 * is the nonce of the next record (4 zero bytes, then the count little-endian, as the Noise spec's
 * ChaChaPoly and WireGuard write it). Records carry no nonce, so a replayed, dropped or reordered
 * record is authenticated under the wrong nonce and fails.
 *
 * <p>Guarded by the connection's lock for its direction.
 */
final class TransportCipher {
    private static final byte[] NO_AAD = new byte[0];

    private final byte[] key;
    private final long limit;
    private long counter;
    private boolean destroyed;

    /** @param limit records this key may protect; the spec reserves 2^64 - 1, so stay below it */
    TransportCipher(byte[] key, long limit) {
        this.key = key;
        this.limit = limit;
    }

    /** How many more records this key may protect. */
    long remaining() {
        return destroyed ? 0 : limit - counter;
    }

    long counter() {
        return counter;
    }

    byte[] seal(byte[] plaintext) throws NoiseException {
        checkUsable("send");
        return ChaChaPoly.seal(key, counter++, plaintext, NO_AAD);
    }

    byte[] open(byte[] ciphertext) throws NoiseException {
        checkUsable("receive");
        try {
            byte[] plaintext = ChaChaPoly.open(key, counter, ciphertext, NO_AAD);
            counter++;
            return plaintext;
        } catch (AEADBadTagException e) {
            throw new NoiseException("transport record " + counter
                    + " failed authentication: corrupted, replayed, reordered or from another session", e);
        }
    }

    void destroy() {
        destroyed = true;
        Arrays.fill(key, (byte) 0);
    }

    private void checkUsable(String direction) throws NoiseException {
        if (destroyed) {
            throw new NoiseException("connection closed");
        }
        if (counter >= limit) {
            throw new NoiseException(direction + " nonces exhausted after " + counter
                    + " records; the connection must be re-established");
        }
    }
}
