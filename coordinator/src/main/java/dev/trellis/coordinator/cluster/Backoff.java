package dev.trellis.coordinator.cluster;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Delays between reconnection attempts: doubling from a minimum to a maximum, each drawn at
 * random from the upper half of its range, so coordinators that lost the database together
 * don't all come back in the same instant. Used by one thread at a time.
 */
final class Backoff {
    private final long minNanos;
    private final long maxNanos;
    private long ceiling;

    Backoff(Duration min, Duration max) {
        if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < min <= max, got " + min + " and " + max);
        }
        this.minNanos = min.toNanos();
        this.maxNanos = max.toNanos();
        this.ceiling = minNanos;
    }

    /** The delay before the next attempt; each call doubles the next one, up to the maximum. */
    Duration next() {
        long current = ceiling;
        ceiling = current > maxNanos / 2 ? maxNanos : current * 2;
        long half = current / 2;
        return Duration.ofNanos(half + ThreadLocalRandom.current().nextLong(current - half + 1));
    }

    /** After a success: the next failure waits the minimum again. */
    void reset() {
        ceiling = minNanos;
    }
}
