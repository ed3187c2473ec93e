package dev.trellis.coordinator.cluster;

import java.util.Objects;

/**
 * The bus of a coordinator that is alone on its database (SQLite allows one process): there is
 * nobody to tell, so publishing only counts, and listeners never hear anything, since a bus
 * never delivers a process's own changes.
 */
public final class LocalChangeBus implements ChangeBus {
    private final Counters counters = new Counters();
    private volatile boolean closed;

    @Override
    public void publish(Change change) {
        Objects.requireNonNull(change, "change");
        (closed ? counters.publishDropped : counters.published).incrementAndGet();
    }

    @Override
    public void subscribe(Listener listener) {
        Objects.requireNonNull(listener, "listener");
    }

    @Override
    public ChangeBusMetrics metrics() {
        return counters.snapshot(!closed);
    }

    @Override
    public void close() {
        closed = true;
    }
}
