package dev.trellis.engine.wgcfg;

import dev.trellis.engine.controlclient.NetMap;
import dev.trellis.engine.wg.DeviceUpdate;
import dev.trellis.engine.wg.PeerUpdate;
import dev.trellis.protocol.control.Node;
import dev.trellis.protocol.key.NodePublicKey;
import dev.trellis.protocol.net.IpLiterals;
import dev.trellis.protocol.net.IpPrefix;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The WireGuard peers a netmap asks for: one per peer whose key is valid, with the peer's
 * addresses as allowed IPs and its first usable endpoint. Expired peers and peers without
 * addresses are left out, so that the data plane stops accepting them.
 */
public record WgConfig(Map<NodePublicKey, Peer> peers) {
    public WgConfig {
        peers = Collections.unmodifiableMap(new LinkedHashMap<>(peers)); // ordered by node ID
    }

    /** One peer as WireGuard needs it. */
    public record Peer(NodePublicKey key, List<IpPrefix> allowedIps, Optional<InetSocketAddress> endpoint) {
        public Peer {
            allowedIps = List.copyOf(allowedIps);
        }
    }

    public static WgConfig from(NetMap map, Instant now) {
        return from(map, now, n -> firstEndpoint(n.endpoints()));
    }

    /** As {@link #from(NetMap, Instant)}, with each peer's endpoint chosen by {@code endpointOf}. */
    public static WgConfig from(NetMap map, Instant now,
            java.util.function.Function<Node, Optional<InetSocketAddress>> endpointOf) {
        Map<NodePublicKey, Peer> peers = new LinkedHashMap<>();
        List<Node> nodes = new ArrayList<>(map.peers().values());
        nodes.sort(Comparator.comparingLong(Node::id));
        for (Node n : nodes) {
            if (n.key() == null || n.expired() || (n.keyExpiry() != null && !now.isBefore(n.keyExpiry()))) {
                continue;
            }
            if (n.allowedIps().isEmpty() || n.key().equals(map.self().key())) {
                continue;
            }
            // Two nodes can never share a key; if a broken map says so, the older node wins.
            peers.putIfAbsent(n.key(), new Peer(n.key(), n.allowedIps(), endpointOf.apply(n)));
        }
        return new WgConfig(peers);
    }

    /**
     * The change that turns a device configured as {@code old} into one configured as this:
     * peers gone are removed, new peers are added with their endpoint, and a known peer gets a
     * new endpoint only when the map's endpoint for it changed, so that WireGuard's roaming
     * (following the address a peer's authenticated packets come from) is not undone on every
     * map update.
     */
    public DeviceUpdate diffFrom(WgConfig old) {
        List<PeerUpdate> updates = new ArrayList<>();
        for (NodePublicKey gone : old.peers.keySet()) {
            if (!peers.containsKey(gone)) {
                updates.add(new PeerUpdate(gone, true, false, Optional.empty(), Optional.empty(),
                        OptionalInt.empty(), false, List.of()));
            }
        }
        for (Peer p : peers.values()) {
            Peer before = old.peers.get(p.key());
            boolean endpointChanged = before == null || !before.endpoint().equals(p.endpoint());
            boolean ipsChanged = before == null || !before.allowedIps().equals(p.allowedIps());
            if (!endpointChanged && !ipsChanged) {
                continue;
            }
            updates.add(new PeerUpdate(p.key(), false, false, Optional.empty(),
                    endpointChanged ? p.endpoint() : Optional.empty(), OptionalInt.empty(),
                    ipsChanged, ipsChanged ? p.allowedIps() : List.of()));
        }
        return new DeviceUpdate(Optional.empty(), OptionalInt.empty(), OptionalInt.empty(), false, updates);
    }

    public static final WgConfig EMPTY = new WgConfig(Map.of());

    /** The first endpoint that parses as numeric {@code ip:port} or {@code [ip6]:port}. */
    static Optional<InetSocketAddress> firstEndpoint(List<String> endpoints) {
        for (String e : endpoints) {
            InetSocketAddress parsed = IpLiterals.parseEndpoint(e);
            if (parsed != null && parsed.getPort() != 0) {
                return Optional.of(parsed);
            }
        }
        return Optional.empty();
    }
}
