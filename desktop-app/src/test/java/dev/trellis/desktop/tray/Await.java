package dev.trellis.desktop.tray;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.opentest4j.AssertionFailedError;

/** Polls for a condition until a deadline; the failure says what was awaited and what was last seen. */
final class Await {
    private Await() {}

    /**
     * The first present value {@code probe} gives within {@code timeout}, polling every 25 ms.
     *
     * @param lastSeen what to report when the deadline passes (called then, once)
     */
    static <T> T until(String what, Duration timeout, Supplier<Optional<T>> probe, Supplier<String> lastSeen) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<T> v = probe.get();
            if (v.isPresent()) {
                return v.get();
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionFailedError("timed out after " + timeout.toMillis() + " ms waiting for " + what
                        + "; last seen: " + lastSeen.get());
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionFailedError("interrupted waiting for " + what);
            }
        }
    }

    static void until(String what, Duration timeout, Supplier<Boolean> condition) {
        until(what, timeout, () -> condition.get() ? Optional.of(true) : Optional.empty(), () -> "not yet");
    }
}
