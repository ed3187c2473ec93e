package dev.trellis.engine.netcheck;

import java.time.Duration;
import java.util.Map;

/**
 * Chooses the home relay region from a run's latencies. Changing home costs every peer a map
 * update and a relay reconnect, so jitter must not flap it: the previous home is kept while it
 * is still reachable unless the best region is at least a third faster than it (the new best's
 * latency below two thirds of the old home's latency in this run), as Tailscale does.
 */
final class PreferredRegion {
    private PreferredRegion() {}

    /**
     * The region to prefer, 0 if {@code latency} is empty; {@code previous} 0 means none. Equal
     * latencies go to the lower region ID, so the choice does not depend on map order.
     */
    static int choose(Map<Integer, Duration> latency, int previous) {
        Map.Entry<Integer, Duration> best = latency.entrySet().stream()
                .min(Map.Entry.<Integer, Duration>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .orElse(null);
        if (best == null) {
            return 0;
        }
        Duration old = previous == 0 ? null : latency.get(previous);
        if (old == null) {
            return best.getKey();
        }
        // best < old * 2/3, in integers: 3 * best < 2 * old (nanoseconds of a 3 s run cannot overflow).
        return 3 * best.getValue().toNanos() < 2 * old.toNanos() ? best.getKey() : previous;
    }
}
