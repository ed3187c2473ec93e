package dev.trellis.protocol.key;

import java.util.Arrays;

/**
 * A node's discovery (Curve25519) public key, sent in clear at the front of every disco packet
 * and published through the coordinator. Text form {@code discokey:<hex>}, as tailscale writes
 * it, so that it cannot be mistaken for a {@code nodekey:} in logs or JSON.
 */
public final class DiscoPublicKey implements Comparable<DiscoPublicKey> {
    public static final int LENGTH = KeyBytes.LENGTH;
    private static final String PREFIX = "discokey:";
    private final byte[] raw;
    private final int hash;

    private DiscoPublicKey(byte[] raw) {
        this.raw = raw;
        this.hash = Arrays.hashCode(raw);
    }

    public static DiscoPublicKey fromBytes(byte[] raw) {
        return new DiscoPublicKey(KeyBytes.checkLength(raw, "disco public key"));
    }

    /** The 32 bytes at {@code offset}; the caller has checked that they are there. */
    public static DiscoPublicKey fromBytes(byte[] src, int offset) {
        return new DiscoPublicKey(Arrays.copyOfRange(src, offset, offset + LENGTH));
    }

    public static DiscoPublicKey fromHex(String text) {
        return new DiscoPublicKey(KeyBytes.fromHex(text, "disco public key"));
    }

    /** Parses {@code discokey:<hex>}. */
    public static DiscoPublicKey parse(String text) {
        if (text == null || !text.startsWith(PREFIX)) {
            throw new IllegalArgumentException("disco public key must start with " + PREFIX);
        }
        return fromHex(text.substring(PREFIX.length()));
    }

    /** A copy of the 32 raw bytes. */
    public byte[] toBytes() {
        return raw.clone();
    }

    /** Copies the raw bytes into {@code dst} at {@code offset}. */
    public void copyTo(byte[] dst, int offset) {
        System.arraycopy(raw, 0, dst, offset, raw.length);
    }

    public String toHex() {
        return KeyBytes.toHex(raw);
    }

    /** {@code d:} and the first 16 hex digits, as tailscale logs disco keys: enough to tell peers apart. */
    public String shortString() {
        return "d:" + toHex().substring(0, 16);
    }

    public boolean isZero() {
        return KeyBytes.isZero(raw);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DiscoPublicKey other && Arrays.equals(raw, other.raw);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public int compareTo(DiscoPublicKey o) {
        return Arrays.compareUnsigned(raw, o.raw);
    }

    @Override
    public String toString() {
        return PREFIX + toHex();
    }
}
