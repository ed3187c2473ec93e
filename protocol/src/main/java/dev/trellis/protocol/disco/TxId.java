package dev.trellis.protocol.disco;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/** The 12 random bytes that match a Pong to its Ping. Immutable. */
public final class TxId {
    public static final int LENGTH = 12;
    private static final SecureRandom RANDOM = new SecureRandom();
    private final byte[] raw;

    private TxId(byte[] raw) {
        this.raw = raw;
    }

    public static TxId random() {
        byte[] raw = new byte[LENGTH];
        RANDOM.nextBytes(raw);
        return new TxId(raw);
    }

    public static TxId of(byte[] raw) {
        if (raw == null || raw.length != LENGTH) {
            throw new IllegalArgumentException("disco transaction id must be " + LENGTH + " bytes");
        }
        return new TxId(raw.clone());
    }

    static TxId read(byte[] src, int offset) {
        return new TxId(Arrays.copyOfRange(src, offset, offset + LENGTH));
    }

    void copyTo(byte[] dst, int offset) {
        System.arraycopy(raw, 0, dst, offset, LENGTH);
    }

    public byte[] toBytes() {
        return raw.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TxId other && Arrays.equals(raw, other.raw);
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
