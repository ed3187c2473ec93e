package dev.trellis.desktop.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting for a condition with a deadline, never a sleep that hopes. */
public final class Waits {
    private Waits() {}

    /** Polls {@code condition} every 20 ms until it holds; an AssertionError naming {@code what} after {@code timeout}. */
    public static void until(Duration timeout, BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
