package dev.trellis.protocol.control;

import dev.trellis.protocol.key.NodePublicKey;
import java.time.Instant;
import java.util.List;

/**
 * A small change to one peer, cheaper than resending the whole {@link Node}. Every field but
 * {@code nodeId} is optional: null means unchanged.
 */
public record PeerChange(
        long nodeId,
        Boolean online,
        Instant lastSeen,
        List<String> endpoints,
        NodePublicKey key,
        Instant keyExpiry,
        String discoKey,
        Integer homeRelay) {

    public PeerChange {
        endpoints = endpoints == null ? null : List.copyOf(endpoints);
    }

    public static PeerChange online(long nodeId, boolean online, Instant lastSeen) {
        return new PeerChange(nodeId, online, lastSeen, null, null, null, null, null);
    }
}
