package dev.trellis.coordinator.login;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts failed logins per key (a login link, a remote address) in fixed windows, to slow down
 * password guessing. At most {@code maxKeys} keys are remembered; beyond that the least recently
 * failing key is forgotten, so a flood of addresses costs bounded memory (and at worst resets some
 * counters early, while the per-link limit still holds for the links being attacked).
 */
final class FailureLimiter {
    private record Window(Instant start, int failures) {}

    private final int maxFailures;
    private final Duration window;
    private final Clock clock;
    private final LinkedHashMap<String, Window> windows;

    FailureLimiter(int maxFailures, Duration window, int maxKeys, Clock clock) {
        if (maxFailures < 1 || !window.isPositive() || maxKeys < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
        this.maxFailures = maxFailures;
        this.window = window;
        this.clock = clock;
        this.windows = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
                return size() > maxKeys;
            }
        };
    }

    /** Seconds until {@code key} may try again (at least 1), or 0 if it may try now. */
    synchronized long blockedForSeconds(String key) {
        Window w = current(key);
        if (w == null || w.failures < maxFailures) {
            return 0;
        }
        long millis = Duration.between(clock.instant(), w.start.plus(window)).toMillis();
        return Math.max(1, (millis + 999) / 1000);
    }

    synchronized void recordFailure(String key) {
        Window w = current(key);
        windows.put(key, w == null ? new Window(clock.instant(), 1) : new Window(w.start, w.failures + 1));
    }

    synchronized int size() {
        return windows.size();
    }

    private Window current(String key) {
        Window w = windows.get(key);
        if (w != null && !clock.instant().isBefore(w.start.plus(window))) {
            windows.remove(key);
            return null;
        }
        return w;
    }
}
