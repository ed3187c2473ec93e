package dev.trellis.protocol.stun;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The 96-bit transaction id that matches a STUN response to its request, and a disco Pong to its
 * Ping (as in Tailscale, one type serves both). Immutable.
 */
public final class TransactionId {
    public static final int LENGTH = 12;
    private static final SecureRandom RANDOM = new SecureRandom();
    private final byte[] raw;

    private TransactionId(byte[] raw) {
        this.raw = raw;
    }

    /** Random, as RFC 8489 §6 requires, so that an off-path attacker cannot forge a response. */
    public static TransactionId random() {
        byte[] raw = new byte[LENGTH];
        RANDOM.nextBytes(raw);
        return new TransactionId(raw);
    }

    public static TransactionId of(byte[] raw) {
        if (raw == null || raw.length != LENGTH) {
            throw new IllegalArgumentException("a transaction id must be " + LENGTH + " bytes");
        }
        return new TransactionId(raw.clone());
    }

    /** The id at {@code offset} of {@code src} (the caller checked the length). */
    public static TransactionId read(byte[] src, int offset) {
        return new TransactionId(Arrays.copyOfRange(src, offset, offset + LENGTH));
    }

    /** Writes the id at {@code offset} of {@code dst}. */
    public void copyTo(byte[] dst, int offset) {
        System.arraycopy(raw, 0, dst, offset, LENGTH);
    }

    public byte[] toBytes() {
        return raw.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TransactionId other && Arrays.equals(raw, other.raw);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(raw);
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(raw);
    }
}
