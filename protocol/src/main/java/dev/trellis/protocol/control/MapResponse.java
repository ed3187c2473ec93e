package dev.trellis.protocol.control;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/**
 * One message of a map stream. The first is full: {@code node}, {@code peers},
 * {@code packetFilter}, {@code dns} and {@code userProfiles} are all set. Later ones are deltas:
 * every null field means "unchanged", and a node applies them in order. A keep-alive is a
 * message with {@code keepAlive} true and nothing else.
 *
 * @param seq the stream's sequence number, counting from 1 for the full map
 * @param keepAlive true for a keep-alive; nothing else is set
 * @param node this node, when it changed
 * @param peers the complete peer list (only in a full map)
 * @param peersChanged peers added or changed as a whole
 * @param peersRemoved IDs of peers to forget
 * @param peersChangedPatch small changes to known peers
 * @param packetFilter the complete packet filter, when it changed
 * @param dns the DNS config, when it changed
 * @param userProfiles users of new or changed nodes
 * @param controlTime the coordinator's clock when it sent this
 * @param relayMap where the relays are, when it changed (always in a full map)
 */
public record MapResponse(
        long id,
        long seq,
        boolean keepAlive,
        Node node,
        List<Node> peers,
        List<Node> peersChanged,
        List<Long> peersRemoved,
        List<PeerChange> peersChangedPatch,
        List<FilterRule> packetFilter,
        @JsonProperty("DNS") DnsConfig dns,
        List<UserProfile> userProfiles,
        Instant controlTime,
        RelayMap relayMap) implements ControlMessage {

    public static MapResponse keepAlive(long id, long seq, Instant now) {
        return new MapResponse(id, seq, true, null, null, null, null, null, null, null, null, now, null);
    }

    /** Whether this is a full map rather than a delta. */
    public boolean isFull() {
        return peers != null;
    }
}
