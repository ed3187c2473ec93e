package dev.trellis.engine.testing;

import java.util.function.BooleanSupplier;

/** Waits for a condition with a deadline, so a broken test fails instead of hanging; shared by the engine's tests. */
public final class Await {
    private static final long DEADLINE_NANOS = 10_000_000_000L;

    private Await() {}

    public static void until(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(1);
        }
    }
}
