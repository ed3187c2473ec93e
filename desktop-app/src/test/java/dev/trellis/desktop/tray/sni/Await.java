package dev.trellis.desktop.tray.sni;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition with a deadline, failing with what was awaited (and the last state seen). */
final class Await {
    static final Duration DEFAULT = Duration.ofSeconds(15);

    private Await() {}

    static void until(String what, BooleanSupplier condition) {
        until(what, DEFAULT, condition, () -> "");
    }

    static void until(String what, BooleanSupplier condition, Supplier<String> lastSeen) {
        until(what, DEFAULT, condition, lastSeen);
    }

    static void until(String what, Duration timeout, BooleanSupplier condition, Supplier<String> lastSeen) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what
                        + lastSeenSuffix(lastSeen.get()));
            }
            try {
                Thread.sleep(25); // poll interval, not a guess at how long anything takes
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }

    private static String lastSeenSuffix(String s) {
        return s == null || s.isEmpty() ? "" : "; last seen: " + s;
    }
}
