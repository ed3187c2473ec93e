package dev.trellis.protocol.localapi;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.trellis.protocol.key.NodePublicKey;
import java.util.List;
import java.util.Map;

/**
 * The network map in {@link Notify#netMap()}: a simplified Tailscale {@code netmap.NetworkMap}
 * with the fields desktop clients read. Peers and DNS details beyond these are in
 * {@link Status}.
 *
 * @param selfNode this node as the coordinator describes it
 * @param nodeKey this node's public key
 * @param peers the peers, sorted by node ID
 * @param domain the network's DNS suffix, e.g. {@code alice.trellis.internal}
 * @param userProfiles profiles of the users that the nodes refer to, by user ID
 */
public record NetMap(
        @JsonProperty("SelfNode") NetMapNode selfNode,
        @JsonProperty("NodeKey") NodePublicKey nodeKey,
        @JsonProperty("Peers") List<NetMapNode> peers,
        @JsonProperty("Domain") String domain,
        @JsonProperty("UserProfiles") Map<Long, UserProfile> userProfiles) {

    public NetMap {
        peers = Copies.list(peers);
        userProfiles = Copies.map(userProfiles);
    }
}
