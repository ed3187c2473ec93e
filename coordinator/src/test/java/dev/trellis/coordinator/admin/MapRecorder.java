package dev.trellis.coordinator.admin;

import dev.trellis.coordinator.netmap.MapSession;
import dev.trellis.protocol.control.MapResponse;
import dev.trellis.protocol.control.Node;
import dev.trellis.protocol.control.PeerChange;
import dev.trellis.protocol.control.PreparedMapResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A map stream's receiving end that applies what it is sent as a node would (full map, then
 * removals, changes and patches), so a test can wait until the node's view of its peers
 * satisfies a condition.
 */
public final class MapRecorder implements MapSession.Sink {
    private final Map<Long, Node> peers = new LinkedHashMap<>();
    private Node self;

    @Override
    public void send(PreparedMapResponse prepared) {
        apply(prepared.toResponse());
    }

    private synchronized void apply(MapResponse r) {
        if (r.node() != null) {
            self = r.node();
        }
        if (r.peers() != null) {
            peers.clear();
            r.peers().forEach(p -> peers.put(p.id(), p));
        }
        if (r.peersRemoved() != null) {
            r.peersRemoved().forEach(peers::remove);
        }
        if (r.peersChanged() != null) {
            r.peersChanged().forEach(p -> peers.put(p.id(), p));
        }
        if (r.peersChangedPatch() != null) {
            for (PeerChange c : r.peersChangedPatch()) {
                peers.computeIfPresent(c.nodeId(), (id, n) -> n.with(c));
            }
        }
        notifyAll();
    }

    public synchronized Map<Long, Node> peers() {
        return Map.copyOf(peers);
    }

    public synchronized Node self() {
        return self;
    }

    /** Waits until the view satisfies {@code condition}; fails after {@code within}. */
    public synchronized void await(String what, Duration within, Predicate<MapRecorder> condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.test(this)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("timed out after " + within + " waiting for " + what + "; peers " + peers);
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }
}
