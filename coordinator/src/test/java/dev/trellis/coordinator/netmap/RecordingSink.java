package dev.trellis.coordinator.netmap;

import dev.trellis.protocol.control.ControlCodec;
import dev.trellis.protocol.control.ControlProtocolException;
import dev.trellis.protocol.control.MapResponse;
import dev.trellis.protocol.control.PreparedMapResponse;
import dev.trellis.protocol.control.Node;
import dev.trellis.protocol.control.PeerChange;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.function.Predicate;

/**
 * A map sink that records what it is sent and applies it as a node would, so tests can wait
 * for the node's view to satisfy a condition. {@link #block()} makes it a slow reader. It decodes
 * the bytes a connection would send, so every hub test also checks the spliced encoding.
 */
final class RecordingSink implements MapSession.Sink {
    private final List<MapResponse> received = new ArrayList<>();
    private final Map<Long, Node> peers = new LinkedHashMap<>();
    private final Semaphore gate = new Semaphore(Integer.MAX_VALUE);
    private volatile boolean failNext;

    @Override
    public void send(PreparedMapResponse prepared) throws IOException {
        gate.acquireUninterruptibly();
        gate.release();
        if (failNext) {
            throw new IOException("node went away");
        }
        MapResponse r;
        try {
            r = (MapResponse) ControlCodec.decode(prepared.encode());
        } catch (ControlProtocolException e) {
            throw new AssertionError("the session sent undecodable JSON", e);
        }
        synchronized (this) {
            received.add(r);
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
    }

    void block() {
        gate.acquireUninterruptibly(Integer.MAX_VALUE);
    }

    void unblock() {
        gate.release(Integer.MAX_VALUE);
    }

    void failNext() {
        failNext = true;
    }

    synchronized List<MapResponse> received() {
        return List.copyOf(received);
    }

    synchronized Map<Long, Node> peers() {
        return Map.copyOf(peers);
    }

    /** Waits until the applied view satisfies {@code condition}, or fails after the deadline. */
    synchronized void await(String what, Predicate<RecordingSink> condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.test(this)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("timed out waiting for " + what + "; received " + received);
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }
}
