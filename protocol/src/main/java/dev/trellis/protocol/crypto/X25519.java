package dev.trellis.protocol.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Objects;
import javax.crypto.KeyAgreement;

/**
 * X25519 (RFC 7748) over the JDK's XDH implementation, with keys as WireGuard writes them:
 * 32-byte little-endian strings.
 */
public final class X25519 {

    public static final int KEY_LENGTH = 32;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] BASE_POINT = new byte[KEY_LENGTH];

    static {
        BASE_POINT[0] = 9;
    }

    private X25519() {
    }

    /** 32 random bytes, clamped as RFC 7748 §5 decodes a scalar, so the stored key is canonical. */
    public static byte[] generatePrivateKey() {
        byte[] key = new byte[KEY_LENGTH];
        RANDOM.nextBytes(key);
        clamp(key);
        return key;
    }

    /** X25519(privateKey, 9). */
    public static byte[] publicKey(byte[] privateKey) {
        try {
            return dh(privateKey, BASE_POINT);
        } catch (InvalidKeyException e) {
            // The base point has prime order ℓ ≈ 2^252; after clamping (which the JDK repeats) the
            // scalar is a multiple of 8 below 2^255 < 8ℓ, so never a multiple of ℓ: zero here
            // would mean a broken provider.
            throw new IllegalStateException("X25519 with the base point gave zero", e);
        }
    }

    /**
     * X25519(privateKey, publicKey).
     *
     * @throws InvalidKeyException if the result is all zero, i.e. publicKey is a low-order point;
     *     WireGuard must then drop the handshake rather than derive keys from a known secret
     */
    public static byte[] dh(byte[] privateKey, byte[] publicKey) throws InvalidKeyException {
        checkLength(privateKey, "private key");
        checkLength(publicKey, "public key");
        byte[] shared;
        try {
            KeyFactory factory = KeyFactory.getInstance("X25519");
            PrivateKey priv = factory.generatePrivate(
                    new XECPrivateKeySpec(NamedParameterSpec.X25519, privateKey.clone()));
            PublicKey pub = factory.generatePublic(
                    new XECPublicKeySpec(NamedParameterSpec.X25519, decodeU(publicKey)));
            KeyAgreement agreement = KeyAgreement.getInstance("X25519");
            agreement.init(priv);
            agreement.doPhase(pub, true);
            shared = agreement.generateSecret();
        } catch (InvalidKeyException e) {
            // SunEC refuses a zero result itself ("Point has small order").
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("X25519 unavailable in this JDK", e);
        }
        // Checked again here because another provider placed ahead of SunEC need not do it.
        if (isZero(shared)) {
            throw new InvalidKeyException("X25519 result is zero: low-order public key");
        }
        return shared;
    }

    static void clamp(byte[] scalar) {
        scalar[0] &= (byte) 248;
        scalar[31] &= 127;
        scalar[31] |= 64;
    }

    /**
     * RFC 7748 §5: the u-coordinate is little-endian, its top bit is ignored, and values ≥ p are
     * accepted (the JDK reduces them mod p). BigInteger wants big-endian, hence the reversal.
     */
    private static BigInteger decodeU(byte[] u) {
        byte[] bigEndian = new byte[KEY_LENGTH];
        for (int i = 0; i < KEY_LENGTH; i++) {
            bigEndian[i] = u[KEY_LENGTH - 1 - i];
        }
        bigEndian[0] &= 127;
        return new BigInteger(1, bigEndian);
    }

    /** Constant-time: the shared secret must not leak through an early exit. */
    private static boolean isZero(byte[] bytes) {
        int acc = 0;
        for (byte b : bytes) {
            acc |= b;
        }
        return acc == 0;
    }

    private static void checkLength(byte[] key, String what) {
        Objects.requireNonNull(key, what);
        if (key.length != KEY_LENGTH) {
            throw new IllegalArgumentException(
                    "X25519 " + what + " is " + KEY_LENGTH + " bytes, got " + key.length);
        }
    }
}
