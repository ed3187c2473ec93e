package dev.trellis.protocol.key;

import java.util.Arrays;

/**
 * A machine's long-lived public key, which identifies a device to the coordinator across node-key
 * rotations. Text form {@code mkey:<64 hex>}.
 *
 * <p>Stand-in written on the store branch so the store compiles; the real class from the protocol
 * branch replaces it when the branches are merged.
 */
public final class MachinePublicKey {
    private static final String PREFIX = "mkey:";
    private final byte[] raw;
    private final int hash;

    private MachinePublicKey(byte[] raw) {
        this.raw = raw;
        this.hash = Arrays.hashCode(raw);
    }

    public static MachinePublicKey fromBytes(byte[] raw) {
        return new MachinePublicKey(KeyBytes.checkLength(raw, "machine key"));
    }

    /** Parses {@code mkey:<64 hex>}. */
    public static MachinePublicKey parse(String text) {
        if (text == null || !text.startsWith(PREFIX)) {
            throw new IllegalArgumentException("machine key must start with " + PREFIX);
        }
        return new MachinePublicKey(KeyBytes.fromHex(text.substring(PREFIX.length()), "machine key"));
    }

    /** A copy of the 32 raw bytes. */
    public byte[] toBytes() {
        return raw.clone();
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
    public String toString() {
        return PREFIX + KeyBytes.toHex(raw);
    }
}
