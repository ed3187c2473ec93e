package dev.trellis.protocol.key;

import java.security.SecureRandom;

/** WireGuard's optional 32-byte symmetric preshared key; all zero means "none". Never printed. */
public final class PresharedKey {
    public static final PresharedKey NONE = new PresharedKey(new byte[KeyBytes.LENGTH]);
    private static final SecureRandom RANDOM = new SecureRandom();
    private final byte[] raw;

    private PresharedKey(byte[] raw) {
        this.raw = raw;
    }

    public static PresharedKey generate() {
        byte[] raw = new byte[KeyBytes.LENGTH];
        RANDOM.nextBytes(raw);
        return new PresharedKey(raw);
    }

    public static PresharedKey fromBytes(byte[] raw) {
        return new PresharedKey(KeyBytes.checkLength(raw, "preshared key"));
    }

    public static PresharedKey fromBase64(String text) {
        return new PresharedKey(KeyBytes.fromBase64(text, "preshared key"));
    }

    public static PresharedKey fromHex(String text) {
        return new PresharedKey(KeyBytes.fromHex(text, "preshared key"));
    }

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

    @Override
    public boolean equals(Object o) {
        return o instanceof PresharedKey other && KeyBytes.constantTimeEquals(raw, other.raw);
    }

    @Override
    public int hashCode() {
        return 0; // deliberately uninformative: keys are compared, not hashed
    }

    @Override
    public String toString() {
        return isZero() ? "psk:none" : "psk:[redacted]";
    }
}
