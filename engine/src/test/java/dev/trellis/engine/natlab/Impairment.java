package dev.trellis.engine.natlab;

import java.time.Duration;

/**
 * How a network mistreats packets: each one is lost with probability {@code loss}, else
 * delivered after {@code latency} plus a uniform random extra of up to {@code jitter} (which
 * reorders packets sent closer together than the jitter). Randomness comes from the
 * simulation's seeded generator, so a run is repeatable.
 */
public record Impairment(double loss, Duration latency, Duration jitter) {
    public static final Impairment NONE = new Impairment(0, Duration.ZERO, Duration.ZERO);

    public Impairment {
        if (!(loss >= 0 && loss <= 1)) {
            throw new IllegalArgumentException("loss must be a probability in [0, 1]: " + loss);
        }
        if (latency.isNegative() || jitter.isNegative()) {
            throw new IllegalArgumentException("latency and jitter must not be negative");
        }
    }
}
