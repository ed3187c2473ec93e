package dev.trellis.protocol.http;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition with a deadline, polling, so tests never sleep-and-hope. */
final class Deadline {
    static final Duration DEFAULT = Duration.ofSeconds(10);

    private Deadline() {}

    static void await(BooleanSupplier condition, String what) {
        await(condition, DEFAULT, what);
    }

    static void await(BooleanSupplier condition, Duration timeout, String what) {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + timeout + " waiting until " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting until " + what);
            }
        }
    }
}
