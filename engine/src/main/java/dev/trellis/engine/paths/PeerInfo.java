package dev.trellis.engine.paths;

import dev.trellis.protocol.control.NetInfo;
import dev.trellis.protocol.key.DiscoPublicKey;
import dev.trellis.protocol.key.NodePublicKey;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * What the netmap says about how to reach a peer.
 *
 * @param key its node key: its identity, and its address at relays
 * @param disco its disco key; null if it has not announced one (then only relays reach it)
 * @param endpoints where it says it listens (local and STUN-observed addresses)
 * @param homeRegion the relay region it is attached to; 0 = unknown
 * @param netInfo what its network allows, for explaining a relayed path; null = unknown
 */
public record PeerInfo(NodePublicKey key, DiscoPublicKey disco, List<InetSocketAddress> endpoints, int homeRegion,
        NetInfo netInfo) {
    public PeerInfo {
        Objects.requireNonNull(key, "key");
        endpoints = List.copyOf(endpoints);
    }
}
