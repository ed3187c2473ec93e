package dev.trellis.coordinator.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** A listener that keeps what it hears, with arrival times, and waits for it with a deadline. */
final class Recorder implements ChangeBus.Listener {
    static final Duration DEADLINE = Duration.ofSeconds(20);

    private final List<Change> changes = new ArrayList<>();
    private final List<Long> arrivals = new ArrayList<>();
    private int resyncs;

    @Override
    public synchronized void changed(Change change) {
        changes.add(change);
        arrivals.add(System.nanoTime());
        notifyAll();
    }

    @Override
    public synchronized void resync() {
        resyncs++;
        notifyAll();
    }

    synchronized List<Change> changes() {
        return List.copyOf(changes);
    }

    synchronized long arrival(int index) {
        return arrivals.get(index);
    }

    synchronized int resyncs() {
        return resyncs;
    }

    /** Waits until {@code count} changes arrived. */
    List<Change> awaitChanges(int count) throws InterruptedException {
        return await(r -> r.changes.size() >= count, count + " changes").changes();
    }

    /** Waits until {@code change} arrived. */
    void awaitChange(Change change) throws InterruptedException {
        await(r -> r.changes.contains(change), change.toString());
    }

    void awaitResyncs(int count) throws InterruptedException {
        await(r -> r.resyncs >= count, count + " resyncs");
    }

    private synchronized Recorder await(Predicate<Recorder> condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.test(this)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no " + what + " within " + DEADLINE + "; have " + changes.size()
                        + " changes (last " + (changes.isEmpty() ? "none" : changes.getLast()) + "), " + resyncs
                        + " resyncs");
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return this;
    }
}
