package dev.trellis.engine.portmap;

import java.util.function.BooleanSupplier;

/** Waits for a condition with a deadline, so a broken test fails instead of hanging. */
final class Await {
    private static final long DEADLINE_NANOS = 10_000_000_000L;

    private Await() {}

    static void until(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(1);
        }
    }
}
