package dev.trellis.coordinator.cluster;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waiting for a condition nobody signals (a counter, a database view), with a deadline. */
final class Waits {
    private Waits() {}

    static void until(BooleanSupplier condition, Supplier<String> what) throws InterruptedException {
        long deadline = System.nanoTime() + Recorder.DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + Recorder.DEADLINE + ": " + what.get());
            }
            Thread.sleep(Duration.ofMillis(5));
        }
    }
}
