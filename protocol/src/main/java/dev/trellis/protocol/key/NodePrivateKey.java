package dev.trellis.protocol.key;

import dev.trellis.protocol.crypto.X25519;
import java.security.SecureRandom;

/**
 * A node's WireGuard (Curve25519) private key. It never prints itself: {@link #toString()} is
 * redacted so that a key can't reach a log by accident. Stored clamped, as {@code wg genkey} does.
 */
public final class NodePrivateKey {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final byte[] raw;
    private volatile NodePublicKey publicKey;

    private NodePrivateKey(byte[] raw) {
        this.raw = raw;
    }

    public static NodePrivateKey generate() {
        byte[] raw = new byte[KeyBytes.LENGTH];
        RANDOM.nextBytes(raw);
        return new NodePrivateKey(clamp(raw));
    }

    public static NodePrivateKey fromBytes(byte[] raw) {
        return new NodePrivateKey(KeyBytes.checkLength(raw, "private key"));
    }

    public static NodePrivateKey fromBase64(String text) {
        return new NodePrivateKey(KeyBytes.fromBase64(text, "private key"));
    }

    public static NodePrivateKey fromHex(String text) {
        return new NodePrivateKey(KeyBytes.fromHex(text, "private key"));
    }

    static byte[] clamp(byte[] k) {
        k[0] &= (byte) 248;
        k[31] = (byte) ((k[31] & 127) | 64);
        return k;
    }

    /** A copy of the 32 raw bytes. Handle with care. */
    public byte[] toBytes() {
        return raw.clone();
    }

    public String toHex() {
        return KeyBytes.toHex(raw);
    }

    public String toBase64() {
        return KeyBytes.toBase64(raw);
    }

    public boolean isZero() {
        return KeyBytes.isZero(raw);
    }

    /** The matching public key: X25519(private, 9). */
    public NodePublicKey publicKey() {
        NodePublicKey pk = publicKey;
        if (pk == null) {
            pk = NodePublicKey.fromBytes(X25519.publicKey(raw));
            publicKey = pk;
        }
        return pk;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodePrivateKey other && KeyBytes.constantTimeEquals(raw, other.raw);
    }

    @Override
    public int hashCode() {
        return publicKey().hashCode();
    }

    @Override
    public String toString() {
        return "privkey:[redacted]";
    }
}
