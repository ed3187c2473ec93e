package dev.trellis.coordinator.netmap;

import dev.trellis.protocol.control.DnsConfig;
import dev.trellis.protocol.control.EncodedNode;
import dev.trellis.protocol.control.FilterRule;
import dev.trellis.protocol.control.Node;
import dev.trellis.protocol.control.PeerChange;
import dev.trellis.protocol.control.PreparedMapResponse;
import dev.trellis.protocol.control.RelayMap;
import dev.trellis.protocol.control.UserProfile;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The coordinator's live view of its nodes, and the fan-out of every change to the map
 * streams it affects. A change costs one policy check and one in-memory merge per open
 * session that can see the changed node, never a database read or a network write on the
 * caller's thread: each {@link MapSession} sends on its own thread.
 *
 * <p>The hub holds nodes as the control protocol describes them; the caller (the coordinator
 * service) persists first, then tells the hub. Online state is the hub's own: a node is online
 * while it holds a map stream.
 *
 * <p>Each node version is held as one {@link EncodedNode} and that instance is what every session
 * queues, so a node's JSON is made once per version however many streams carry it, and a full
 * map is spliced from those bytes. A change therefore costs O(affected sessions) small records;
 * only a stream's open (the full map) and its own node's change cost O(nodes) for that session.
 */
public final class NetMapHub {
    /** Hears when nodes come and go, e.g. to persist last-seen or remove ephemeral nodes. */
    public interface Listener {
        void online(long nodeId);

        void offline(long nodeId, Instant lastSeen);
    }

    /** Replaced whole by {@link #setPolicy}. Guarded by {@code lock}, like everything it holds. */
    private PeerPolicy policy;
    private final Clock clock;
    private final Duration keepAlive;
    private final Duration batchDelay;
    private final Listener listener;

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Long, EncodedNode> nodes = new LinkedHashMap<>();
    private final Map<Long, UserProfile> users = new HashMap<>();
    private final Map<Long, MapSession> sessions = new HashMap<>();
    /**
     * Nodes that hold a map stream at another coordinator of the same database, as those
     * announce them ({@link #remotePresence}). A node is online when it has a session here or is
     * in this set.
     */
    private final Set<Long> remoteOnline = new HashSet<>();
    private DnsConfig dns;
    private RelayMap relayMap = RelayMap.EMPTY;

    /**
     * How long a stream collects changes before it sends them as one delta (see
     * {@link MapSession}): long enough to merge the three changes of a node joining, short beside
     * the second that a person notices.
     */
    public static final Duration DEFAULT_BATCH_DELAY = Duration.ofMillis(50);

    public NetMapHub(PeerPolicy policy, DnsConfig dns, Clock clock, Duration keepAlive, Listener listener) {
        this(policy, dns, clock, keepAlive, DEFAULT_BATCH_DELAY, listener);
    }

    public NetMapHub(PeerPolicy policy, DnsConfig dns, Clock clock, Duration keepAlive, Duration batchDelay,
            Listener listener) {
        this.policy = Objects.requireNonNull(policy);
        this.dns = Objects.requireNonNull(dns);
        this.clock = Objects.requireNonNull(clock);
        this.keepAlive = Objects.requireNonNull(keepAlive);
        if (batchDelay.isNegative()) {
            throw new IllegalArgumentException("batchDelay must not be negative, got " + batchDelay);
        }
        this.batchDelay = batchDelay;
        this.listener = Objects.requireNonNull(listener);
    }

    public void putUser(UserProfile user) {
        lock.lock();
        try {
            users.put(user.id(), user);
            policy.putUser(user.id(), user.loginName());
        } finally {
            lock.unlock();
        }
    }

    public Optional<UserProfile> user(long id) {
        lock.lock();
        try {
            return Optional.ofNullable(users.get(id));
        } finally {
            lock.unlock();
        }
    }

    public Optional<Node> node(long id) {
        lock.lock();
        try {
            return Optional.ofNullable(nodes.get(id)).map(EncodedNode::node);
        } finally {
            lock.unlock();
        }
    }

    public List<Node> nodes() {
        lock.lock();
        try {
            return nodes.values().stream().map(EncodedNode::node).toList();
        } finally {
            lock.unlock();
        }
    }

    public boolean isOnline(long id) {
        lock.lock();
        try {
            return sessions.containsKey(id) || remoteOnline.contains(id);
        } finally {
            lock.unlock();
        }
    }

    public int sessionCount() {
        lock.lock();
        try {
            return sessions.size();
        } finally {
            lock.unlock();
        }
    }

    /** Loads nodes without notifying anyone: for start-up, before any session opens. */
    public void load(Collection<Node> all) {
        lock.lock();
        try {
            for (Node n : all) {
                nodes.put(n.id(), EncodedNode.of(withOnline(n, false, n.lastSeen())));
                policy.upsert(n);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * A node was added or changed as a whole (registered, re-keyed, renamed, re-tagged,
     * expired). Sessions that can see it now get it; sessions that could see it before but not
     * now drop it; its own session gets its new self and any peers it gains or loses.
     */
    public void upsert(Node node) {
        lock.lock();
        try {
            EncodedNode oldEncoded = nodes.get(node.id());
            Node old = oldEncoded == null ? null : oldEncoded.node();
            boolean online = sessions.containsKey(node.id()) || remoteOnline.contains(node.id());
            Node current = withOnline(node, online, online ? null : node.lastSeen());
            EncodedNode encoded = EncodedNode.of(current);
            nodes.put(node.id(), encoded);
            UserProfile owner = users.get(current.user());
            MapSession own = sessions.get(node.id());
            // Who could see the node, and whom it could see, before the change.
            Map<Long, Boolean> sawIt = new HashMap<>();
            if (old != null) {
                for (MapSession s : sessions.values()) {
                    if (s != own) {
                        sawIt.put(s.nodeId(), policy.visible(s.nodeId(), node.id()));
                    }
                }
            }
            Set<Long> itSaw = new HashSet<>();
            if (own != null && old != null) {
                for (EncodedNode peer : nodes.values()) {
                    if (peer.id() != node.id() && policy.visible(node.id(), peer.id())) {
                        itSaw.add(peer.id());
                    }
                }
            }
            policy.upsert(node);
            for (MapSession s : sessions.values()) {
                if (s == own) {
                    continue;
                }
                if (policy.visible(s.nodeId(), node.id())) {
                    s.peerChanged(encoded, owner);
                } else if (sawIt.getOrDefault(s.nodeId(), false)) {
                    s.peerRemoved(node.id());
                }
                refreshFilter(s);
            }
            if (own != null) {
                own.self(encoded);
                for (EncodedNode peer : nodes.values()) {
                    if (peer.id() == node.id()) {
                        continue;
                    }
                    boolean was = itSaw.contains(peer.id());
                    boolean is = policy.visible(node.id(), peer.id());
                    if (is && !was) {
                        own.peerChanged(peer, users.get(peer.node().user()));
                    } else if (was && !is) {
                        own.peerRemoved(peer.id());
                    }
                }
                refreshFilter(own);
            }
        } finally {
            lock.unlock();
        }
    }

    /** A node was deleted: every session that could see it forgets it; its own stream ends. */
    public void remove(long nodeId) {
        MapSession own;
        lock.lock();
        try {
            EncodedNode old = nodes.remove(nodeId);
            own = sessions.remove(nodeId);
            remoteOnline.remove(nodeId);
            if (old == null) {
                return;
            }
            List<MapSession> saw = new ArrayList<>();
            for (MapSession s : sessions.values()) {
                if (policy.visible(s.nodeId(), nodeId)) {
                    saw.add(s);
                }
            }
            policy.remove(nodeId);
            saw.forEach(s -> s.peerRemoved(nodeId));
            for (MapSession s : sessions.values()) {
                refreshFilter(s);
            }
        } finally {
            lock.unlock();
        }
        if (own != null) {
            own.close();
        }
    }

    /** A small change to one node (endpoints, disco key, relay home): patched, not resent. */
    public void patch(PeerChange change) {
        lock.lock();
        try {
            EncodedNode old = nodes.get(change.nodeId());
            if (old == null) {
                return;
            }
            EncodedNode current = EncodedNode.of(old.node().with(change));
            nodes.put(current.id(), current);
            for (MapSession s : sessions.values()) {
                if (s.nodeId() != current.id() && policy.visible(s.nodeId(), current.id())) {
                    s.peerPatched(change, old, current);
                }
            }
            MapSession own = sessions.get(current.id());
            if (own != null) {
                own.self(current);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Where the relays are, for everyone (sent whole in every full map, and to open streams when it changes). */
    public void relayMap(RelayMap map) {
        lock.lock();
        try {
            relayMap = Objects.requireNonNull(map);
            for (MapSession s : sessions.values()) {
                s.relayMap(map);
            }
        } finally {
            lock.unlock();
        }
    }

    /** New DNS settings for everyone. */
    public void dns(DnsConfig config) {
        lock.lock();
        try {
            dns = Objects.requireNonNull(config);
            for (MapSession s : sessions.values()) {
                s.dns(config);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Opens node {@code nodeId}'s map stream: the full map is sent first, then deltas. A
     * session the node already had is closed (the node reconnected before the old connection
     * was noticed dead). Returns empty if the hub does not know the node.
     */
    public Optional<MapSession> open(long nodeId, long requestId, MapSession.Sink sink) {
        MapSession replaced;
        MapSession session;
        boolean cameOnline;
        lock.lock();
        try {
            EncodedNode before = nodes.get(nodeId);
            if (before == null) {
                return Optional.empty();
            }
            session = new MapSession(this, nodeId, requestId, sink, clock, keepAlive, batchDelay);
            replaced = sessions.put(nodeId, session);
            cameOnline = replaced == null;
            boolean wasOnlineElsewhere = remoteOnline.contains(nodeId);
            Instant now = clock.instant();
            Node self = withOnline(before.node(), true, null);
            EncodedNode selfEncoded = EncodedNode.of(self);
            nodes.put(nodeId, selfEncoded);
            List<EncodedNode> peers = new ArrayList<>(nodes.size());
            Map<Long, UserProfile> profiles = new LinkedHashMap<>();
            profiles.put(self.user(), users.get(self.user()));
            for (EncodedNode peer : nodes.values()) {
                if (peer.id() != nodeId && policy.visible(nodeId, peer.id())) {
                    peers.add(peer);
                    profiles.putIfAbsent(peer.node().user(), users.get(peer.node().user()));
                }
            }
            profiles.values().removeIf(Objects::isNull);
            List<FilterRule> filter = policy.filterFor(nodeId);
            session.lastFilter = filter;
            session.start(new PreparedMapResponse(requestId, 1, false, selfEncoded, List.copyOf(peers),
                    null, null, null, filter, dns, List.copyOf(profiles.values()), now, relayMap));
            if (cameOnline && !wasOnlineElsewhere) {
                PeerChange change = PeerChange.online(nodeId, true, null);
                // What a session holding the previous version makes of the patch: the same for all.
                EncodedNode patched = EncodedNode.of(before.node().with(change));
                for (MapSession s : sessions.values()) {
                    if (s != session && policy.visible(s.nodeId(), nodeId)) {
                        s.peerPatched(change, before, patched);
                    }
                }
            }
        } finally {
            lock.unlock();
        }
        if (replaced != null) {
            replaced.close();
        }
        if (cameOnline) {
            listener.online(nodeId);
        }
        return Optional.of(session);
    }

    /** Called by a session once it has closed. */
    void closed(MapSession session) {
        Instant lastSeen = clock.instant();
        lock.lock();
        try {
            if (!sessions.remove(session.nodeId(), session)) {
                return; // replaced by a newer session, or the node was removed
            }
            EncodedNode old = nodes.get(session.nodeId());
            if (old == null || remoteOnline.contains(session.nodeId())) {
                return; // gone, or already connected to another coordinator
            }
            Node current = withOnline(old.node(), false, lastSeen);
            nodes.put(current.id(), EncodedNode.of(current));
            PeerChange change = PeerChange.online(current.id(), false, lastSeen);
            EncodedNode patched = EncodedNode.of(old.node().with(change));
            for (MapSession s : sessions.values()) {
                if (policy.visible(s.nodeId(), current.id())) {
                    s.peerPatched(change, old, patched);
                }
            }
        } finally {
            lock.unlock();
        }
        listener.offline(session.nodeId(), lastSeen);
    }

    /**
     * Another coordinator of the same database says node {@code nodeId} holds (or no longer
     * holds) a map stream there. Streams here that see the node get the change as a patch. A
     * stream the node holds here still counts: the node is online while either says so.
     */
    public void remotePresence(long nodeId, boolean online, Instant lastSeen) {
        lock.lock();
        try {
            boolean before = sessions.containsKey(nodeId) || remoteOnline.contains(nodeId);
            if (online) {
                remoteOnline.add(nodeId);
            } else {
                remoteOnline.remove(nodeId);
            }
            boolean after = sessions.containsKey(nodeId) || remoteOnline.contains(nodeId);
            EncodedNode old = nodes.get(nodeId);
            if (before == after || old == null) {
                return;
            }
            PeerChange change = PeerChange.online(nodeId, after, after ? null : lastSeen);
            nodes.put(nodeId, EncodedNode.of(withOnline(old.node(), after, after ? null : lastSeen)));
            EncodedNode patched = EncodedNode.of(old.node().with(change));
            for (MapSession s : sessions.values()) {
                if (s.nodeId() != nodeId && policy.visible(s.nodeId(), nodeId)) {
                    s.peerPatched(change, old, patched);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** The nodes holding a map stream at this coordinator (to announce them to the others). */
    public List<Long> localSessions() {
        lock.lock();
        try {
            return List.copyOf(sessions.keySet());
        } finally {
            lock.unlock();
        }
    }

    /** Closes every session, e.g. at shutdown. */
    public void closeAll() {
        List<MapSession> all;
        lock.lock();
        try {
            all = new ArrayList<>(sessions.values());
        } finally {
            lock.unlock();
        }
        all.forEach(MapSession::close);
    }

    /**
     * Replaces the policy: {@code fresh} learns every user and node, then each open stream gains
     * the peers it may now see, loses those it may not, and gets its new filter; streams whose
     * view did not change get nothing.
     *
     * <p>Nodes are grouped by their visibility class under the old and the new policy (see
     * {@link PeerPolicy#visibilityClass}): two nodes in one group relate to every other node
     * alike under both. So visibility is checked once per pair of groups, and only pairs whose
     * answer changed are walked node by node. With ten thousand nodes in a few hundred groups
     * that is ~10^5 checks where a pass over every (stream, node) pair would be 10^8.
     */
    public void setPolicy(PeerPolicy fresh) {
        Objects.requireNonNull(fresh);
        lock.lock();
        try {
            users.values().forEach(u -> fresh.putUser(u.id(), u.loginName()));
            nodes.values().forEach(n -> fresh.upsert(n.node()));
            PeerPolicy old = policy;
            policy = fresh;
            Map<ClassPair, List<EncodedNode>> peerGroups = new LinkedHashMap<>();
            for (EncodedNode n : nodes.values()) {
                peerGroups.computeIfAbsent(new ClassPair(old.visibilityClass(n.id()), fresh.visibilityClass(n.id())),
                        k -> new ArrayList<>()).add(n);
            }
            Map<ClassPair, List<MapSession>> viewerGroups = new LinkedHashMap<>();
            for (MapSession s : sessions.values()) {
                viewerGroups.computeIfAbsent(new ClassPair(old.visibilityClass(s.nodeId()),
                        fresh.visibilityClass(s.nodeId())), k -> new ArrayList<>()).add(s);
            }
            for (List<MapSession> viewers : viewerGroups.values()) {
                long viewer = viewers.getFirst().nodeId();
                for (List<EncodedNode> peers : peerGroups.values()) {
                    long peer = peers.getFirst().id();
                    boolean was = old.visible(viewer, peer);
                    boolean is = fresh.visible(viewer, peer);
                    if (was == is) {
                        continue;
                    }
                    for (MapSession s : viewers) {
                        for (EncodedNode p : peers) {
                            if (p.id() == s.nodeId()) {
                                continue;
                            }
                            if (is) {
                                s.peerChanged(p, users.get(p.node().user()));
                            } else {
                                s.peerRemoved(p.id());
                            }
                        }
                    }
                }
            }
            for (MapSession s : sessions.values()) {
                refreshFilter(s);
            }
        } finally {
            lock.unlock();
        }
    }

    /** A node's visibility classes under the old and the new policy. */
    private record ClassPair(long before, long after) {}

    private void refreshFilter(MapSession s) {
        List<FilterRule> filter = policy.filterFor(s.nodeId());
        if (filter != s.lastFilter && !filter.equals(s.lastFilter)) {
            s.lastFilter = filter;
            s.filter(filter);
        }
    }

    private static Node withOnline(Node n, boolean online, Instant lastSeen) {
        return new Node(n.id(), n.stableId(), n.name(), n.user(), n.key(), n.keyExpiry(), n.discoKey(),
                n.addresses(), n.allowedIps(), n.endpoints(), n.homeRelay(), n.hostinfo(), n.created(),
                lastSeen, online, n.tags(), n.expired());
    }
}
