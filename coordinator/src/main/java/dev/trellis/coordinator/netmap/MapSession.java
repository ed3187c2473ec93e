package dev.trellis.coordinator.netmap;

import dev.trellis.protocol.control.DnsConfig;
import dev.trellis.protocol.control.EncodedNode;
import dev.trellis.protocol.control.FilterRule;
import dev.trellis.protocol.control.RelayMap;
import dev.trellis.protocol.control.PeerChange;
import dev.trellis.protocol.control.PreparedMapResponse;
import dev.trellis.protocol.control.UserProfile;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One node's open map stream. The hub records changes into the session's {@link PendingDelta}
 * (cheap, never blocks on the network); the session's own writer thread sends the full map
 * first, then drains the delta into one message whenever something is pending, or sends a
 * keep-alive after {@code keepAlive} of silence. A slow reader therefore costs memory bounded
 * by its peer count, and never slows the hub or other nodes.
 *
 * <p>Deltas are batched: once something is pending the writer waits {@code batchDelay} before
 * draining, so that changes that come together go out as one message. A node joining is three
 * changes within milliseconds (registered, endpoints, online); at ten thousand streams each
 * message costs an encryption, a system call and a wake-up per stream, and sending one instead of
 * three is what keeps a join's fan-out short. A stream therefore sends at most one delta per
 * {@code batchDelay}, and every change waits at most that long before it is sent.
 */
public final class MapSession implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("trellis.coordinator.netmap");

    /**
     * Where the session's messages go: the node's control connection, which sends
     * {@link PreparedMapResponse#encode()}. Called from the session's own thread only.
     */
    @FunctionalInterface
    public interface Sink {
        void send(PreparedMapResponse response) throws IOException;
    }

    private final NetMapHub hub;
    private final long nodeId;
    private final long requestId;
    private final Sink sink;
    private final Clock clock;
    private final long keepAliveNanos;
    private final long batchNanos;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final PendingDelta pending = new PendingDelta();
    private PreparedMapResponse full;
    private long seq;
    private boolean closed;
    /** The last filter queued, so that an unchanged one is not resent. Guarded by the hub's lock. */
    List<FilterRule> lastFilter;

    MapSession(NetMapHub hub, long nodeId, long requestId, Sink sink, Clock clock, Duration keepAlive,
            Duration batchDelay) {
        this.hub = hub;
        this.nodeId = nodeId;
        this.requestId = requestId;
        this.sink = Objects.requireNonNull(sink);
        this.clock = clock;
        this.keepAliveNanos = keepAlive.toNanos();
        this.batchNanos = batchDelay.toNanos();
    }

    public long nodeId() {
        return nodeId;
    }

    public long requestId() {
        return requestId;
    }

    void start(PreparedMapResponse fullMap) {
        lock.lock();
        try {
            full = fullMap;
            seq = fullMap.seq();
        } finally {
            lock.unlock();
        }
        Thread.ofVirtual().name("map-" + nodeId).start(this::run);
    }

    void self(EncodedNode node) {
        record(() -> pending.self(node));
    }

    void peerChanged(EncodedNode peer, UserProfile owner) {
        record(() -> pending.peerChanged(peer, owner));
    }

    void peerRemoved(long id) {
        record(() -> pending.peerRemoved(id));
    }

    /** See {@link PendingDelta#peerPatched}. */
    void peerPatched(PeerChange change, EncodedNode before, EncodedNode after) {
        record(() -> pending.peerPatched(change, before, after));
    }

    void filter(List<FilterRule> rules) {
        record(() -> pending.filter(rules));
    }

    void dns(DnsConfig config) {
        record(() -> pending.dns(config));
    }

    void relayMap(RelayMap map) {
        record(() -> pending.relayMap(map));
    }

    private void record(Runnable change) {
        lock.lock();
        try {
            if (!closed) {
                // Only the first change wakes the writer: later ones join the batch it is
                // already waiting out, and waking it for each would cost a context switch per
                // change per stream.
                boolean first = pending.isEmpty();
                change.run();
                if (first) {
                    wake.signal();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    public boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** Ends the stream; the node goes offline unless a newer session replaced this one. */
    @Override
    public void close() {
        if (markClosed()) {
            hub.closed(this);
        }
    }

    private boolean markClosed() {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            closed = true;
            wake.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        try {
            PreparedMapResponse next = takeFull();
            while (next != null) {
                sink.send(next);
                next = awaitNext();
            }
        } catch (IOException e) {
            // The node went away; close() below takes it offline.
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "map stream of node " + nodeId + " failed; closing it", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            close();
        }
    }

    private PreparedMapResponse takeFull() {
        lock.lock();
        try {
            PreparedMapResponse first = full;
            full = null;
            return closed ? null : first;
        } finally {
            lock.unlock();
        }
    }

    /** The next message to send, or null once closed. */
    private PreparedMapResponse awaitNext() throws InterruptedException {
        lock.lock();
        try {
            long remaining = keepAliveNanos;
            while (!closed && pending.isEmpty()) {
                if (remaining <= 0) {
                    return PreparedMapResponse.keepAlive(requestId, ++seq, clock.instant());
                }
                remaining = wake.awaitNanos(remaining);
            }
            long batch = batchNanos;
            while (!closed && batch > 0) {
                batch = wake.awaitNanos(batch);
            }
            if (closed) {
                return null;
            }
            return pending.drain(requestId, ++seq, clock.instant());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "MapSession[node=" + nodeId + ", request=" + requestId + "]";
    }
}
