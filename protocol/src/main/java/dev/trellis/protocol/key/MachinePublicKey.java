package dev.trellis.protocol.key;

import java.util.Arrays;

/**
 * A machine's long-term Curve25519 public key, which authenticates the machine (not a node
 * identity) to the coordinator over the Noise control channel. Text form {@code mkey:<hex>} keeps
 * it apart from node keys in logs, JSON and state files.
 */
public final class MachinePublicKey implements Comparable<MachinePublicKey> {
    private static final String PREFIX = "mkey:";
    private final byte[] raw;
    private final int hash;

    private MachinePublicKey(byte[] raw) {
        this.raw = raw;
        this.hash = Arrays.hashCode(raw);
    }

    public static MachinePublicKey fromBytes(byte[] raw) {
        return new MachinePublicKey(KeyBytes.checkLength(raw, "machine public key"));
    }

    /** Parses {@code mkey:<64 hex digits>}, the form {@link #toString()} writes. */
    public static MachinePublicKey parse(String text) {
        if (text == null || !text.startsWith(PREFIX)) {
            throw new IllegalArgumentException("machine public key must start with " + PREFIX);
        }
        return new MachinePublicKey(KeyBytes.fromHex(text.substring(PREFIX.length()), "machine public key"));
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

    /** A few hex digits from each end: enough to tell machines apart in a log line. */
    public String shortString() {
        String hex = toHex();
        return "mkey(" + hex.substring(0, 4) + "…" + hex.substring(60) + ")";
    }

    public boolean isZero() {
        return KeyBytes.isZero(raw);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MachinePublicKey other && Arrays.equals(raw, other.raw);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public int compareTo(MachinePublicKey o) {
        return Arrays.compareUnsigned(raw, o.raw);
    }

    @Override
    public String toString() {
        return PREFIX + toHex();
    }
}
