package dev.trellis.coordinator.cluster;

import java.util.concurrent.atomic.AtomicLong;

/** The counters behind {@link ChangeBusMetrics}, written by the bus's threads and callers. */
final class Counters {
    final AtomicLong published = new AtomicLong();
    final AtomicLong publishFailures = new AtomicLong();
    final AtomicLong publishDropped = new AtomicLong();
    final AtomicLong received = new AtomicLong();
    final AtomicLong ownIgnored = new AtomicLong();
    final AtomicLong malformed = new AtomicLong();
    final AtomicLong unknownKinds = new AtomicLong();
    final AtomicLong reconnects = new AtomicLong();
    final AtomicLong resyncs = new AtomicLong();
    final AtomicLong listenerFailures = new AtomicLong();

    ChangeBusMetrics snapshot(boolean connected) {
        return new ChangeBusMetrics(published.get(), publishFailures.get(), publishDropped.get(), received.get(),
                ownIgnored.get(), malformed.get(), unknownKinds.get(), reconnects.get(), resyncs.get(),
                listenerFailures.get(), connected);
    }

    /**
     * Whether the event that brought a counter to {@code count} should be logged: the 1st, 2nd,
     * 4th, 8th… so a flood of bad input or a long outage can't flood the log.
     */
    static boolean worthLogging(long count) {
        return count > 0 && Long.bitCount(count) == 1;
    }
}
