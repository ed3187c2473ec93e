package dev.trellis.coordinator.tailnet;

import dev.trellis.coordinator.cluster.Change;
import dev.trellis.coordinator.cluster.ChangeBus;
import dev.trellis.coordinator.netmap.NetMapHub;
import dev.trellis.coordinator.store.Node;
import dev.trellis.coordinator.store.Store;
import dev.trellis.protocol.control.PeerChange;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Applies changes that other coordinators of the same database made: each {@link Change} names
 * what changed, and this re-reads it from the store (the store is the truth; the bus only says
 * where to look) and hands it to this coordinator's {@link NetMapHub}, which fans it out to the
 * nodes attached here.
 *
 * <p>Presence is not in the store: each coordinator announces the nodes streaming from it when
 * they come and go and again every {@link #ANNOUNCE_EVERY}; an announcement not renewed within
 * {@link #PRESENCE_TTL} lapses, so the nodes of a coordinator that died go offline here too.
 */
final class Replication implements ChangeBus.Listener {
    private static final System.Logger LOG = System.getLogger("trellis.coordinator.tailnet");
    static final Duration ANNOUNCE_EVERY = Duration.ofSeconds(10);
    static final Duration PRESENCE_TTL = ANNOUNCE_EVERY.multipliedBy(3).plusSeconds(5);

    /** What a re-read needs from the tailnet without exposing it whole. */
    interface Target {
        void reloadPolicy();

        void forget(long nodeId);
    }

    private final Store store;
    private final NetMapHub hub;
    private final Clock clock;
    private final Target target;
    /** When each remotely online node was last announced. */
    private final Map<Long, Instant> remoteSeen = new ConcurrentHashMap<>();

    Replication(Store store, NetMapHub hub, Clock clock, Target target) {
        this.store = store;
        this.hub = hub;
        this.clock = clock;
        this.target = target;
    }

    @Override
    public void changed(Change change) {
        switch (change) {
            case Change.NodeChanged c -> reloadNode(c.nodeId());
            case Change.NodeRemoved c -> {
                hub.remove(c.nodeId());
                remoteSeen.remove(c.nodeId());
                target.forget(c.nodeId());
            }
            case Change.NodePatched c -> store.nodeById(c.nodeId()).ifPresent(n ->
                    hub.patch(new PeerChange(n.id(), null, null, n.endpoints(), null, null, null, null)));
            case Change.NodeOnline c -> {
                if (c.online()) {
                    remoteSeen.put(c.nodeId(), clock.instant());
                } else {
                    remoteSeen.remove(c.nodeId());
                }
                hub.remotePresence(c.nodeId(), c.online(), c.lastSeen());
            }
            case Change.UserChanged c -> store.userById(c.userId()).ifPresent(u -> hub.putUser(NodeViews.profile(u)));
            case Change.PolicyChanged c -> target.reloadPolicy();
            case Change.DnsChanged c -> { } // DNS settings are per process configuration so far
        }
    }

    /** Notifications may have been lost: everything is read again (presence returns with the next announcements). */
    @Override
    public void resync() {
        LOG.log(Level.INFO, "resynchronizing with the database after a lost notification connection");
        store.listUsers().forEach(u -> hub.putUser(NodeViews.profile(u)));
        Instant now = clock.instant();
        Set<Long> present = new HashSet<>();
        for (Node n : store.listNodes()) {
            present.add(n.id());
            hub.upsert(NodeViews.view(n, now));
        }
        for (var n : hub.nodes()) {
            if (!present.contains(n.id())) {
                hub.remove(n.id());
                target.forget(n.id());
            }
        }
        target.reloadPolicy();
    }

    private void reloadNode(long id) {
        store.nodeById(id).ifPresentOrElse(n -> {
            store.userById(n.userId()).ifPresent(u -> hub.putUser(NodeViews.profile(u)));
            hub.upsert(NodeViews.view(n, clock.instant()));
        }, () -> {
            hub.remove(id);
            target.forget(id);
        });
    }

    /** Announces this coordinator's streaming nodes, and lapses others' announcements that were not renewed. */
    void announce(ChangeBus bus) {
        for (long id : hub.localSessions()) {
            bus.publish(new Change.NodeOnline(id, true, null));
        }
        Instant cutoff = clock.instant().minus(PRESENCE_TTL);
        for (var e : remoteSeen.entrySet()) {
            if (e.getValue().isBefore(cutoff) && remoteSeen.remove(e.getKey(), e.getValue())) {
                hub.remotePresence(e.getKey(), false, e.getValue());
            }
        }
    }
}
