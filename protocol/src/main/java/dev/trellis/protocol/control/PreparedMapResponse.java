package dev.trellis.protocol.control;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * A {@link MapResponse} as the coordinator assembles it: the same fields, but nodes come as
 * {@link EncodedNode}s whose JSON is spliced into the message instead of being serialized again
 * for every stream. {@link #encode()} writes exactly the bytes that
 * {@code ControlCodec.encode(toResponse())} would, so nodes cannot tell the difference; only the
 * small per-stream fields (ids, patches, filter, DNS, profiles, time, relay map) go through the codec.
 *
 * <p>Field meanings and "null = unchanged" are {@link MapResponse}'s.
 */
public record PreparedMapResponse(
        long id,
        long seq,
        boolean keepAlive,
        EncodedNode node,
        List<EncodedNode> peers,
        List<EncodedNode> peersChanged,
        List<Long> peersRemoved,
        List<PeerChange> peersChangedPatch,
        List<FilterRule> packetFilter,
        DnsConfig dns,
        List<UserProfile> userProfiles,
        Instant controlTime,
        RelayMap relayMap) {

    private static final byte[] OPEN = ascii("{\"Type\":\"MapResponse\",\"Id\":");
    private static final byte[] COMMA = ascii(",");
    private static final byte[] LIST_OPEN = ascii("[");
    private static final byte[] LIST_CLOSE = ascii("]");

    public static PreparedMapResponse keepAlive(long id, long seq, Instant now) {
        return new PreparedMapResponse(id, seq, true, null, null, null, null, null, null, null, null, now, null);
    }

    /** Whether this is a full map rather than a delta. */
    public boolean isFull() {
        return peers != null;
    }

    /** The plain message, with every node decoded from its cache: for tests and logs. */
    public MapResponse toResponse() {
        return new MapResponse(id, seq, keepAlive, node == null ? null : node.node(), nodes(peers), nodes(peersChanged),
                peersRemoved, peersChangedPatch, packetFilter, dns, userProfiles, controlTime, relayMap);
    }

    /**
     * The message's JSON. Field order and spelling follow the codec's serialization of
     * {@link MapResponse} (record order, nulls left out, then the derived {@code Full}); a test
     * holds the two byte-identical.
     */
    public byte[] encode() {
        Builder b = new Builder();
        b.add(OPEN).add(ascii(id + ",\"Seq\":" + seq + ",\"KeepAlive\":" + keepAlive));
        if (node != null) {
            b.field("Node").add(node.json());
        }
        nodeList(b, "Peers", peers);
        nodeList(b, "PeersChanged", peersChanged);
        value(b, "PeersRemoved", peersRemoved);
        value(b, "PeersChangedPatch", peersChangedPatch);
        value(b, "PacketFilter", packetFilter);
        value(b, "DNS", dns);
        value(b, "UserProfiles", userProfiles);
        if (controlTime != null) {
            // What the codec's Instant serializer writes (its text form, which needs no escaping),
            // without a trip through it for every message.
            b.field("ControlTime").add(ascii("\"" + controlTime + "\""));
        }
        value(b, "RelayMap", relayMap);
        b.add(ascii(",\"Full\":" + isFull() + "}"));
        return b.toBytes();
    }

    private static void nodeList(Builder b, String name, List<EncodedNode> list) {
        if (list == null) {
            return;
        }
        b.field(name).add(LIST_OPEN);
        for (int i = 0; i < list.size(); i++) {
            if (i > 0) {
                b.add(COMMA);
            }
            b.add(list.get(i).json());
        }
        b.add(LIST_CLOSE);
    }

    private static void value(Builder b, String name, Object value) {
        if (value != null) {
            b.field(name).add(ControlCodec.encodeValue(value));
        }
    }

    private static List<Node> nodes(List<EncodedNode> list) {
        return list == null ? null : list.stream().map(EncodedNode::node).toList();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Collects the message's pieces and copies them once into an array of the exact size: a full
     * map of ten thousand peers is megabytes, and growing a buffer by doubling would copy it
     * about twice over.
     */
    private static final class Builder {
        private byte[][] parts = new byte[16][];
        private int count;
        private long length;

        Builder field(String name) {
            return add(ascii(",\"" + name + "\":"));
        }

        Builder add(byte[] part) {
            if (count == parts.length) {
                parts = Arrays.copyOf(parts, count * 2);
            }
            parts[count++] = part;
            length += part.length;
            return this;
        }

        byte[] toBytes() {
            if (length > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("map response of " + length + " bytes is too large to encode");
            }
            byte[] out = new byte[(int) length];
            int at = 0;
            for (int i = 0; i < count; i++) {
                System.arraycopy(parts[i], 0, out, at, parts[i].length);
                at += parts[i].length;
            }
            return out;
        }
    }
}
