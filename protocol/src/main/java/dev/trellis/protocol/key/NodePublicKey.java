package dev.trellis.protocol.key;

import java.util.Arrays;

/**
 * A node's WireGuard (Curve25519) public key. Text form {@code nodekey:<hex>} keeps it apart from
 * other keys in logs and JSON; {@link #toBase64()} is the form the {@code wg} tool shows.
 */
public final class NodePublicKey implements Comparable<NodePublicKey> {
    private static final String PREFIX = "nodekey:";
    private final byte[] raw;
    private final int hash;

    private NodePublicKey(byte[] raw) {
        this.raw = raw;
        this.hash = Arrays.hashCode(raw);
    }

    public static NodePublicKey fromBytes(byte[] raw) {
        return new NodePublicKey(KeyBytes.checkLength(raw, "public key"));
    }

    public static NodePublicKey fromBase64(String text) {
        return new NodePublicKey(KeyBytes.fromBase64(text, "public key"));
    }

    public static NodePublicKey fromHex(String text) {
        return new NodePublicKey(KeyBytes.fromHex(text, "public key"));
    }

    /** Parses {@code nodekey:<hex>}. */
    public static NodePublicKey parse(String text) {
        if (text == null || !text.startsWith(PREFIX)) {
            throw new IllegalArgumentException("public key must start with " + PREFIX);
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

    public String toBase64() {
        return KeyBytes.toBase64(raw);
    }

    /** First eight base64 characters, as wireguard-go logs peers: enough to tell peers apart. */
    public String shortString() {
        return "peer(" + toBase64().substring(0, 4) + "…" + toBase64().substring(39, 43) + ")";
    }

    public boolean isZero() {
        return KeyBytes.isZero(raw);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodePublicKey other && Arrays.equals(raw, other.raw);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public int compareTo(NodePublicKey o) {
        return Arrays.compareUnsigned(raw, o.raw);
    }

    @Override
    public String toString() {
        return PREFIX + toHex();
    }
}
