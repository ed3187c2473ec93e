package dev.trellis.protocol.control;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.trellis.protocol.key.NodePublicKey;
import dev.trellis.protocol.net.IpPrefix;
import java.time.Instant;
import java.util.List;

/**
 * A node as the coordinator describes it in a map: the node itself ({@link MapResponse#node()})
 * or one of its peers. Shaped like Tailscale's {@code tailcfg.Node}.
 *
 * @param id the coordinator's node ID, stable for the node's lifetime
 * @param stableId an opaque string ID for APIs and logs
 * @param name the DNS-safe short name, unique in the tailnet; the full name is
 *     {@code name + "." + DnsConfig.domain}
 * @param user the owner's {@link UserProfile#id()}
 * @param key the node's WireGuard public key
 * @param keyExpiry when the key stops being accepted; null = never
 * @param discoKey the node's discovery key (text form), null until it has one
 * @param addresses the node's own tunnel addresses (one IPv4 /32 and one IPv6 /128)
 * @param allowedIps what the node may send from and receive for: its addresses plus any routes
 * @param endpoints "ip:port" UDP endpoints where the node may be reached directly
 * @param homeRelay the relay region the node is attached to; null = none
 * @param hostinfo what the node reported about itself; may be null
 * @param created when the node first registered
 * @param lastSeen when the coordinator last heard from it; null = never or online now
 * @param online whether it holds a map stream now; null = unknown
 * @param tags the node's tags, e.g. "tag:server"; empty for user-owned nodes
 * @param expired true once {@code keyExpiry} has passed: peers must stop accepting it
 */
public record Node(
        long id,
        String stableId,
        String name,
        long user,
        NodePublicKey key,
        Instant keyExpiry,
        String discoKey,
        List<IpPrefix> addresses,
        @JsonProperty("AllowedIPs") List<IpPrefix> allowedIps,
        List<String> endpoints,
        Integer homeRelay,
        Hostinfo hostinfo,
        Instant created,
        Instant lastSeen,
        Boolean online,
        List<String> tags,
        boolean expired) {

    public Node {
        addresses = addresses == null ? List.of() : List.copyOf(addresses);
        allowedIps = allowedIps == null ? List.of() : List.copyOf(allowedIps);
        endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** This node with {@code change} applied (fields the change leaves null stay as they are). */
    public Node with(PeerChange change) {
        return new Node(id, stableId, name, user,
                change.key() != null ? change.key() : key,
                change.keyExpiry() != null ? change.keyExpiry() : keyExpiry,
                change.discoKey() != null ? change.discoKey() : discoKey,
                addresses, allowedIps,
                change.endpoints() != null ? change.endpoints() : endpoints,
                change.homeRelay() != null ? change.homeRelay() : homeRelay,
                hostinfo,
                created,
                change.lastSeen() != null ? change.lastSeen() : lastSeen,
                change.online() != null ? change.online() : online,
                tags, expired);
    }
}
