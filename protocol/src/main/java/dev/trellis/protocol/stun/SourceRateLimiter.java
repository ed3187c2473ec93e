package dev.trellis.protocol.stun;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * A token bucket per source IP (ports are free to a spoofer, so they are not told apart). Used
 * from the server's one receive thread only, hence unsynchronized. The table is bounded: when it
 * is full, sources idle long enough for a full bucket are forgotten (forgetting them changes
 * nothing); if it is still full, a new source is refused until some go idle, so a flood of
 * spoofed sources costs memory no larger than {@code maxSources} entries.
 */
final class SourceRateLimiter {
    private final double perSecond;
    private final double burst;
    private final int maxSources;
    private final Map<InetAddress, Bucket> buckets = new HashMap<>();

    private static final class Bucket {
        double tokens;
        long lastNanos;
    }

    SourceRateLimiter(double perSecond, int burst, int maxSources) {
        if (perSecond <= 0 || burst < 1 || maxSources < 1) {
            throw new IllegalArgumentException("rate limit needs perSecond > 0, burst >= 1, maxSources >= 1");
        }
        this.perSecond = perSecond;
        this.burst = burst;
        this.maxSources = maxSources;
    }

    boolean allow(InetAddress source, long nowNanos) {
        Bucket b = buckets.get(source);
        if (b == null) {
            if (buckets.size() >= maxSources && !sweep(nowNanos)) {
                return false;
            }
            b = new Bucket();
            b.tokens = burst;
            b.lastNanos = nowNanos;
            buckets.put(source, b);
        }
        b.tokens = Math.min(burst, b.tokens + (nowNanos - b.lastNanos) * perSecond / 1e9);
        b.lastNanos = nowNanos;
        if (b.tokens < 1) {
            return false;
        }
        b.tokens -= 1;
        return true;
    }

    /** Forgets sources whose bucket would be full by now; true if that made room. */
    private boolean sweep(long nowNanos) {
        for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext(); ) {
            Bucket b = it.next();
            if (b.tokens + (nowNanos - b.lastNanos) * perSecond / 1e9 >= burst) {
                it.remove();
            }
        }
        return buckets.size() < maxSources;
    }

    int trackedSources() {
        return buckets.size();
    }
}
