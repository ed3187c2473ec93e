package dev.trellis.relay;

/**
 * Bytes a client may send: refills at {@code rate} per second up to {@code burst}. Used by one
 * thread (the client's reader), so unsynchronized. A rate of 0 means unlimited.
 */
final class TokenBucket {
    private final long rate;
    private final long burst;
    private double tokens;
    private long last;

    TokenBucket(long ratePerSecond, long burst, long nowNanos) {
        this.rate = ratePerSecond;
        this.burst = Math.max(burst, 1);
        this.tokens = this.burst;
        this.last = nowNanos;
    }

    /** Takes {@code n} tokens if there are that many; false (nothing taken) if not. */
    boolean tryTake(long n, long nowNanos) {
        if (rate == 0) {
            return true;
        }
        long elapsed = nowNanos - last;
        last = nowNanos;
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + elapsed * (rate / 1e9));
        }
        if (tokens < n) {
            return false;
        }
        tokens -= n;
        return true;
    }
}
