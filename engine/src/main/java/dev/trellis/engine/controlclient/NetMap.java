package dev.trellis.engine.controlclient;

import dev.trellis.protocol.control.DnsConfig;
import dev.trellis.protocol.control.FilterRule;
import dev.trellis.protocol.control.RelayMap;
import dev.trellis.protocol.control.MapResponse;
import dev.trellis.protocol.control.Node;
import dev.trellis.protocol.control.PeerChange;
import dev.trellis.protocol.control.UserProfile;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Everything a node knows from its map stream, as one immutable snapshot: itself, its peers
 * by node ID, its packet filter, DNS settings and the users it may show. Each message of the
 * stream turns one snapshot into the next ({@link #apply}); the daemon keeps the last one on
 * disk, so a node restarted while the coordinator is down still knows its peers.
 */
public record NetMap(
        Node self,
        Map<Long, Node> peers,
        List<FilterRule> packetFilter,
        DnsConfig dns,
        Map<Long, UserProfile> users,
        Instant controlTime,
        RelayMap relayMap) {

    public NetMap {
        Objects.requireNonNull(self, "self");
        relayMap = relayMap == null ? RelayMap.EMPTY : relayMap;
        peers = Collections.unmodifiableMap(new TreeMap<>(peers));
        packetFilter = List.copyOf(packetFilter);
        Objects.requireNonNull(dns, "dns");
        users = Collections.unmodifiableMap(new TreeMap<>(users));
    }

    /** The snapshot a full map describes. */
    public static NetMap of(MapResponse full) {
        if (!full.isFull() || full.node() == null) {
            throw new IllegalArgumentException("a map stream must start with a full map");
        }
        Map<Long, Node> peers = new TreeMap<>();
        full.peers().forEach(p -> peers.put(p.id(), p));
        Map<Long, UserProfile> users = new TreeMap<>();
        if (full.userProfiles() != null) {
            full.userProfiles().forEach(u -> users.put(u.id(), u));
        }
        return new NetMap(full.node(), peers,
                full.packetFilter() == null ? List.of() : full.packetFilter(),
                full.dns() == null ? new DnsConfig("", null, null) : full.dns(),
                users, full.controlTime(), full.relayMap());
    }

    /**
     * This snapshot with one stream message applied: a full map replaces it; a delta applies
     * removals, then whole nodes, then patches; a keep-alive changes nothing.
     */
    public NetMap apply(MapResponse r) {
        if (r.isFull()) {
            return of(r);
        }
        if (r.keepAlive()) {
            return this;
        }
        Map<Long, Node> p = new TreeMap<>(peers);
        if (r.peersRemoved() != null) {
            r.peersRemoved().forEach(p::remove);
        }
        if (r.peersChanged() != null) {
            r.peersChanged().forEach(n -> p.put(n.id(), n));
        }
        if (r.peersChangedPatch() != null) {
            for (PeerChange c : r.peersChangedPatch()) {
                p.computeIfPresent(c.nodeId(), (id, n) -> n.with(c));
            }
        }
        Map<Long, UserProfile> u = users;
        if (r.userProfiles() != null && !r.userProfiles().isEmpty()) {
            u = new TreeMap<>(users);
            for (UserProfile profile : r.userProfiles()) {
                u.put(profile.id(), profile);
            }
        }
        return new NetMap(r.node() != null ? r.node() : self, p,
                r.packetFilter() != null ? r.packetFilter() : packetFilter,
                r.dns() != null ? r.dns() : dns, u,
                r.controlTime() != null ? r.controlTime() : controlTime,
                r.relayMap() != null ? r.relayMap() : relayMap);
    }

    /** The full DNS name of {@code node} ({@code name.domain}), or its short name if no domain is set. */
    public String dnsName(Node node) {
        String domain = dns.domain();
        return domain == null || domain.isEmpty() ? node.name() : node.name() + "." + domain;
    }
}
