package dev.trellis.engine.natlab;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A virtual clock that only moves when told to. Use {@link Sim#advance} rather than
 * {@link #advance} directly so that packets due in between are delivered in time order.
 */
public final class SimClock extends Clock {
    private static final Instant EPOCH = Instant.parse("2025-01-01T00:00:00Z");
    private final AtomicLong nanos = new AtomicLong();

    /** Nanoseconds since the clock was created; never decreases. */
    public long nanos() {
        return nanos.get();
    }

    /** Moves the clock forward by {@code d}, which must not be negative. */
    public void advance(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("a clock cannot go back: " + d);
        }
        nanos.addAndGet(d.toNanos());
    }

    /** Moves the clock forward to {@code t} nanoseconds (no-op if already past it). */
    void advanceTo(long t) {
        nanos.accumulateAndGet(t, Math::max);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("a SimClock is always UTC");
    }

    @Override
    public Instant instant() {
        return EPOCH.plusNanos(nanos.get());
    }
}
