package dev.trellis.protocol.noise;

import static java.nio.charset.StandardCharsets.US_ASCII;

import dev.trellis.protocol.crypto.Blake2s;
import dev.trellis.protocol.crypto.ChaChaPoly;
import dev.trellis.protocol.crypto.X25519;
import java.security.InvalidKeyException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;

/**
 * The Noise SymmetricState (spec rev 34 §5.2) with its embedded CipherState (§5.1), for the
 * 25519/ChaChaPoly/BLAKE2s suite. HASHLEN is 32, so HKDF outputs are used untruncated.
 *
 * <p>Not thread-safe; one handshake owns one instance.
 */
final class SymmetricState {
    private static final byte[] EMPTY = new byte[0];

    private byte[] chainingKey;
    private byte[] hash;
    /** The CipherState key; null while "empty", when EncryptAndHash passes plaintext through. */
    private byte[] key;
    private long nonce;

    /**
     * InitializeSymmetric: a name of at most HASHLEN bytes is zero-padded into h, a longer one
     * hashed. "Noise_IK_25519_ChaChaPoly_BLAKE2s" is 33 bytes, so it is hashed.
     */
    SymmetricState(String protocolName) {
        byte[] name = protocolName.getBytes(US_ASCII);
        hash = name.length <= Blake2s.HASH_LENGTH ? Arrays.copyOf(name, Blake2s.HASH_LENGTH) : Blake2s.hash(name);
        chainingKey = hash.clone();
    }

    void mixHash(byte[] data) {
        hash = Blake2s.hash(hash, data);
    }

    /** MixKey: ck, temp_k = HKDF(ck, input, 2); the CipherState takes temp_k with n = 0. */
    void mixKey(byte[] inputKeyMaterial) {
        byte[][] out = Blake2s.kdf(2, chainingKey, inputKeyMaterial);
        wipe(chainingKey);
        wipe(key);
        chainingKey = out[0];
        key = out[1];
        nonce = 0;
    }

    /** MixKey(DH(privateKey, publicKey)); a low-order public key fails rather than mixing zeros. */
    void mixDh(byte[] privateKey, byte[] publicKey, String what) throws NoiseException {
        byte[] shared;
        try {
            shared = X25519.dh(privateKey, publicKey);
        } catch (InvalidKeyException e) {
            throw new NoiseException(what + " is a low-order point", e);
        }
        mixKey(shared);
        wipe(shared);
    }

    /** EncryptAndHash with h as associated data. */
    byte[] encryptAndHash(byte[] plaintext) {
        byte[] ciphertext = key == null ? plaintext.clone() : ChaChaPoly.seal(key, nonce++, plaintext, hash);
        mixHash(ciphertext);
        return ciphertext;
    }

    /** DecryptAndHash; h is only updated if the ciphertext authenticates. */
    byte[] decryptAndHash(byte[] ciphertext, String what) throws NoiseException {
        byte[] plaintext;
        if (key == null) {
            plaintext = ciphertext.clone();
        } else {
            try {
                plaintext = ChaChaPoly.open(key, nonce, ciphertext, hash);
            } catch (AEADBadTagException e) {
                throw new NoiseException(what + " failed authentication", e);
            }
            nonce++;
        }
        mixHash(ciphertext);
        return plaintext;
    }

    /** The handshake hash h: after the last message, a channel binding unique to this session. */
    byte[] handshakeHash() {
        return hash.clone();
    }

    /**
     * Split: k1, k2 = HKDF(ck, "", 2). k1 protects initiator to responder, k2 the other way. The
     * state is wiped: nothing may use it after the handshake.
     */
    byte[][] split() {
        byte[][] keys = Blake2s.kdf(2, chainingKey, EMPTY);
        wipe(chainingKey);
        wipe(key);
        key = null;
        return keys;
    }

    /** Wipes the secrets of an abandoned handshake. */
    void destroy() {
        wipe(chainingKey);
        wipe(key);
        key = null;
    }

    static void wipe(byte[] secret) {
        if (secret != null) {
            Arrays.fill(secret, (byte) 0);
        }
    }
}
