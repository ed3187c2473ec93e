package dev.trellis.coordinator.netmap;

import dev.trellis.protocol.control.DnsConfig;
import dev.trellis.protocol.control.EncodedNode;
import dev.trellis.protocol.control.FilterRule;
import dev.trellis.protocol.control.RelayMap;
import dev.trellis.protocol.control.PeerChange;
import dev.trellis.protocol.control.PreparedMapResponse;
import dev.trellis.protocol.control.UserProfile;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The changes one session has not sent yet, merged so that its size is bounded by the number of
 * peers, however slowly the node reads: a peer changed twice is sent once, a patch to a peer
 * whose whole node is pending is folded into that node, a removal cancels pending changes.
 * A node applies a delta as removals, then whole nodes, then patches; the merge keeps that
 * order's result equal to applying every change one by one. Nodes are held as the hub's shared
 * {@link EncodedNode}s, so that a node changed for thousands of sessions is encoded once; a patch
 * folded into a pending node reuses the hub's patched version when it is the same node, and only
 * otherwise makes one of its own. Not thread-safe: its session guards it.
 */
final class PendingDelta {
    private static final int SHRINK_ABOVE = 64;

    private EncodedNode self;
    private Map<Long, EncodedNode> changed = new LinkedHashMap<>();
    private Set<Long> removed = new LinkedHashSet<>();
    private Map<Long, PeerChange> patches = new LinkedHashMap<>();
    private final Map<Long, UserProfile> users = new LinkedHashMap<>();
    /** The profile put into {@link #users} last: most changes in a row share their owner. */
    private UserProfile lastOwner;
    private List<FilterRule> filter;
    private DnsConfig dns;
    private RelayMap relayMap;

    boolean isEmpty() {
        return self == null && changed.isEmpty() && removed.isEmpty() && patches.isEmpty()
                && filter == null && dns == null && relayMap == null && users.isEmpty();
    }

    void self(EncodedNode node) {
        self = node;
    }

    void peerChanged(EncodedNode peer, UserProfile owner) {
        // The hub records every change into every session that sees it: skip the map operations
        // that cannot change anything (usually most of them).
        if (!patches.isEmpty()) {
            patches.remove(peer.id());
        }
        changed.put(peer.id(), peer);
        if (owner != null && owner != lastOwner) {
            users.put(owner.id(), owner);
            lastOwner = owner;
        }
    }

    void peerRemoved(long id) {
        changed.remove(id);
        patches.remove(id);
        removed.add(id);
    }

    /**
     * A patch to a peer. {@code before} is the version the hub held when it made the patch and
     * {@code after} that version with the patch applied (encoded once, shared by every session):
     * if the pending whole node is {@code before}, {@code after} is exactly what applying the
     * patch to it gives.
     */
    void peerPatched(PeerChange change, EncodedNode before, EncodedNode after) {
        EncodedNode whole = changed.isEmpty() ? null : changed.get(change.nodeId());
        if (whole != null) {
            changed.put(whole.id(), whole == before ? after : EncodedNode.of(whole.node().with(change)));
        } else {
            patches.merge(change.nodeId(), change, PendingDelta::merge);
        }
    }

    void filter(List<FilterRule> rules) {
        filter = rules;
    }

    void dns(DnsConfig config) {
        dns = config;
    }

    void relayMap(RelayMap map) {
        relayMap = map;
    }

    /** Empties this delta into one map response. */
    PreparedMapResponse drain(long requestId, long seq, Instant now) {
        PreparedMapResponse response = new PreparedMapResponse(requestId, seq, false, self,
                null,
                changed.isEmpty() ? null : List.copyOf(changed.values()),
                removed.isEmpty() ? null : List.copyOf(removed),
                patches.isEmpty() ? null : List.copyOf(patches.values()),
                filter, dns,
                users.isEmpty() ? null : new ArrayList<>(users.values()),
                now, relayMap);
        self = null;
        if (changed.size() > SHRINK_ABOVE || removed.size() > SHRINK_ABOVE || patches.size() > SHRINK_ABOVE) {
            // clear() keeps a map's table at its largest; one burst (a slow reader during a
            // thousand joins) must not leave every session holding tables sized for it.
            changed = new LinkedHashMap<>();
            removed = new LinkedHashSet<>();
            patches = new LinkedHashMap<>();
        } else {
            changed.clear();
            removed.clear();
            patches.clear();
        }
        users.clear();
        lastOwner = null;
        filter = null;
        dns = null;
        relayMap = null;
        return response;
    }

    /** Later fields win; fields the later change leaves null keep the earlier value. */
    static PeerChange merge(PeerChange earlier, PeerChange later) {
        return new PeerChange(later.nodeId(),
                later.online() != null ? later.online() : earlier.online(),
                later.lastSeen() != null ? later.lastSeen() : earlier.lastSeen(),
                later.endpoints() != null ? later.endpoints() : earlier.endpoints(),
                later.key() != null ? later.key() : earlier.key(),
                later.keyExpiry() != null ? later.keyExpiry() : earlier.keyExpiry(),
                later.discoKey() != null ? later.discoKey() : earlier.discoKey(),
                later.homeRelay() != null ? later.homeRelay() : earlier.homeRelay());
    }
}
