package dev.trellis.protocol.key;

import dev.trellis.protocol.crypto.X25519;

/**
 * A node's discovery (Curve25519) private key: it seals and opens the disco messages with which
 * peers find direct paths, and is distinct from the WireGuard {@link NodePrivateKey} so that it
 * can be rotated every run without touching WireGuard sessions. It never prints itself.
 */
public final class DiscoPrivateKey {
    private final byte[] raw;
    private volatile DiscoPublicKey publicKey;

    private DiscoPrivateKey(byte[] raw) {
        this.raw = raw;
    }

    /** A fresh random key, clamped as RFC 7748 decodes scalars. */
    public static DiscoPrivateKey generate() {
        return new DiscoPrivateKey(X25519.generatePrivateKey());
    }

    public static DiscoPrivateKey fromBytes(byte[] raw) {
        return new DiscoPrivateKey(KeyBytes.checkLength(raw, "disco private key"));
    }

    public static DiscoPrivateKey fromHex(String text) {
        return new DiscoPrivateKey(KeyBytes.fromHex(text, "disco private key"));
    }

    /** A copy of the 32 raw bytes. Handle with care. */
    public byte[] toBytes() {
        return raw.clone();
    }

    public boolean isZero() {
        return KeyBytes.isZero(raw);
    }

    /** The matching public key: X25519(private, 9). */
    public DiscoPublicKey publicKey() {
        DiscoPublicKey pk = publicKey;
        if (pk == null) {
            pk = DiscoPublicKey.fromBytes(X25519.publicKey(raw));
            publicKey = pk;
        }
        return pk;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DiscoPrivateKey other && KeyBytes.constantTimeEquals(raw, other.raw);
    }

    @Override
    public int hashCode() {
        return publicKey().hashCode();
    }

    @Override
    public String toString() {
        return "discoprivkey:[redacted]";
    }
}
