package dev.trellis.protocol.control;

import java.util.Objects;

/**
 * A {@link Node} with its JSON, encoded at most once however many map responses carry it. The
 * coordinator keeps one per node version and hands the same instance to every map stream that
 * sends that version, so a change seen by ten thousand nodes is serialized once, not ten
 * thousand times, and a full map is spliced from bytes rather than re-encoded.
 *
 * <p>Immutable apart from that cache. Thread-safe: two threads that race to the first encoding
 * both produce the same bytes and either copy is kept.
 */
public final class EncodedNode {
    private final Node node;
    private volatile byte[] json;

    private EncodedNode(Node node) {
        this.node = Objects.requireNonNull(node, "node");
    }

    public static EncodedNode of(Node node) {
        return new EncodedNode(node);
    }

    public Node node() {
        return node;
    }

    public long id() {
        return node.id();
    }

    /** The node's JSON exactly as {@link ControlCodec#encode} writes it inside a message; never modified. */
    byte[] json() {
        byte[] j = json;
        if (j == null) {
            j = ControlCodec.encodeValue(node);
            json = j;
        }
        return j;
    }

    @Override
    public String toString() {
        return "EncodedNode[" + node.id() + " " + node.name() + "]";
    }
}
