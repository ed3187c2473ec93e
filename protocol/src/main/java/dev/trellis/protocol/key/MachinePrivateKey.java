package dev.trellis.protocol.key;

import dev.trellis.protocol.crypto.X25519;

/**
 * A machine's long-term Curve25519 private key, the initiator's static key in the Noise control
 * handshake (and the coordinator's, on its side). It never prints itself: {@link #toString()} is
 * redacted. The only text form, for state files, comes from the explicit {@link #toSecretText()}.
 */
public final class MachinePrivateKey {
    private static final String SECRET_PREFIX = "privkey:";
    private final byte[] raw;
    private volatile MachinePublicKey publicKey;

    private MachinePrivateKey(byte[] raw) {
        this.raw = raw;
    }

    /** A fresh random key, clamped as RFC 7748 decodes a scalar so the stored form is canonical. */
    public static MachinePrivateKey generate() {
        return new MachinePrivateKey(X25519.generatePrivateKey());
    }

    public static MachinePrivateKey fromBytes(byte[] raw) {
        return new MachinePrivateKey(KeyBytes.checkLength(raw, "machine private key"));
    }

    /**
     * Parses {@code privkey:<64 hex digits>} as {@link #toSecretText()} writes it. The error
     * message never echoes the input, which may be (most of) a secret.
     */
    public static MachinePrivateKey parseSecretText(String text) {
        if (text == null || !text.startsWith(SECRET_PREFIX)) {
            throw new IllegalArgumentException("machine private key must start with " + SECRET_PREFIX);
        }
        return new MachinePrivateKey(
                KeyBytes.fromHex(text.substring(SECRET_PREFIX.length()), "machine private key"));
    }

    /** {@code privkey:<hex>}, for a state file readable only by its owner. Never log it. */
    public String toSecretText() {
        return SECRET_PREFIX + KeyBytes.toHex(raw);
    }

    /** A copy of the 32 raw bytes. Handle with care. */
    public byte[] toBytes() {
        return raw.clone();
    }

    public boolean isZero() {
        return KeyBytes.isZero(raw);
    }

    /** The matching public key: X25519(private, 9). */
    public MachinePublicKey publicKey() {
        MachinePublicKey pk = publicKey;
        if (pk == null) {
            pk = MachinePublicKey.fromBytes(X25519.publicKey(raw));
            publicKey = pk;
        }
        return pk;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MachinePrivateKey other && KeyBytes.constantTimeEquals(raw, other.raw);
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
