package dev.trellis.daemon.backend;

import dev.trellis.engine.controlclient.NetMap;
import dev.trellis.engine.paths.PathStatus;
import dev.trellis.engine.wg.DeviceStatus;
import dev.trellis.protocol.control.Node;
import dev.trellis.protocol.key.NodePublicKey;
import dev.trellis.protocol.localapi.BackendState;
import dev.trellis.protocol.localapi.PeerStatus;
import dev.trellis.protocol.localapi.Status;
import dev.trellis.protocol.localapi.TailnetStatus;
import dev.trellis.protocol.localapi.UserProfile;
import dev.trellis.protocol.net.IpLiterals;
import dev.trellis.protocol.net.IpPrefix;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the LocalAPI {@link Status} (Tailscale's field names) from the netmap and the data
 * plane's per-peer counters.
 */
final class StatusBuilder {
    /** A peer that handshook this recently is "active", as in Tailscale's status. */
    static final Duration ACTIVE_WINDOW = Duration.ofMinutes(2);

    private StatusBuilder() {}

    static Status build(String version, BackendState state, boolean haveNodeKey, String authUrl, NetMap map,
            DeviceStatus device, Map<NodePublicKey, PathStatus> paths, List<String> health, Instant now) {
        if (map == null) {
            return new Status(version, true, state, haveNodeKey, authUrl, List.of(), null, health, null, null, Map.of(),
                    Map.of());
        }
        Map<NodePublicKey, dev.trellis.engine.wg.PeerStatus> wg = new HashMap<>();
        if (device != null) {
            device.peers().forEach(p -> wg.put(p.publicKey(), p));
        }
        Map<NodePublicKey, PeerStatus> peers = new LinkedHashMap<>();
        for (Node n : map.peers().values()) {
            if (n.key() != null) {
                peers.put(n.key(), withPath(map, peer(map, n, wg.get(n.key()), now), paths.get(n.key())));
            }
        }
        Map<Long, UserProfile> users = new LinkedHashMap<>();
        map.users().forEach((id, u) -> users.put(id, new UserProfile(u.id(), u.loginName(), u.displayName(), null)));
        String suffix = map.dns().domain();
        PeerStatus self = peer(map, map.self(), null, now);
        return new Status(version, true, state, haveNodeKey, authUrl, ips(map.self()),
                new PeerStatus(self.id(), self.nodeId(), self.publicKey(), self.hostName(), self.dnsName(), self.os(),
                        self.userId(), self.tailscaleIps(), self.allowedIps(), self.tags(), self.addrs(), null, null, 0, 0,
                        self.created(), null, null, null, true, false, self.expired(), self.keyExpiry()),
                health, suffix, new TailnetStatus(suffix, suffix, false), peers, users);
    }

    private static PeerStatus peer(NetMap map, Node n, dev.trellis.engine.wg.PeerStatus wg, Instant now) {
        Instant handshake = wg == null ? null : wg.lastHandshake().orElse(null);
        boolean active = handshake != null && Duration.between(handshake, now).compareTo(ACTIVE_WINDOW) < 0;
        String curAddr = null;
        if (active && wg.endpoint().isPresent()) {
            curAddr = IpLiterals.formatEndpoint(wg.endpoint().get());
        }
        String hostName = n.hostinfo() != null && n.hostinfo().hostname() != null ? n.hostinfo().hostname() : n.name();
        String os = n.hostinfo() == null ? null : n.hostinfo().os();
        boolean expired = n.expired() || (n.keyExpiry() != null && !now.isBefore(n.keyExpiry()));
        return new PeerStatus(n.stableId(), n.id(), n.key(), hostName, map.dnsName(n) + ".", os, n.user(), ips(n),
                n.allowedIps(), n.tags(), n.endpoints(), curAddr, "", wg == null ? 0 : wg.rxBytes(),
                wg == null ? 0 : wg.txBytes(), n.created(), null, n.lastSeen(), handshake,
                Boolean.TRUE.equals(n.online()), active, expired, n.keyExpiry());
    }

    /**
     * The path the paths layer reports, over WireGuard's endpoint (a synthetic one under the
     * paths layer): {@code CurAddr} when direct; {@code Relay}, the region's code, always (as
     * Tailscale: the peer's home relay); latency; and why it is relayed.
     */
    private static PeerStatus withPath(NetMap map, PeerStatus p, PathStatus path) {
        if (path == null) {
            return p;
        }
        String cur = path.direct() == null ? null : IpLiterals.formatEndpoint(path.direct());
        String relay = path.relayRegion() <= 0 ? ""
                : map.relayMap().region(path.relayRegion()).map(r -> r.code()).orElse(Integer.toString(path.relayRegion()));
        double latency = path.latency() == null ? 0 : path.latency().toNanos() / 1e9;
        return p.withPath(cur, relay, latency, path.whyRelayed());
    }

    static List<InetAddress> ips(Node n) {
        return n.addresses().stream().map(IpPrefix::inetAddress).toList();
    }
}
