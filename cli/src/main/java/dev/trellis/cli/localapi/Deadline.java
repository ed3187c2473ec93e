package dev.trellis.cli.localapi;

import java.net.SocketTimeoutException;
import java.time.Duration;

/** A point on {@link System#nanoTime()}'s clock after which waiting fails; or none. */
record Deadline(long nanos, boolean unlimited) {
    static final Deadline NONE = new Deadline(0, true);

    /** {@code timeout} from now; null means none. */
    static Deadline after(Duration timeout) {
        if (timeout == null) {
            return NONE;
        }
        // Beyond ~292 years nanoTime arithmetic would overflow; that is "no limit" in practice.
        if (timeout.compareTo(Duration.ofDays(365L * 100)) > 0) {
            return NONE;
        }
        return new Deadline(System.nanoTime() + timeout.toNanos(), false);
    }

    /**
     * Milliseconds left for {@link java.nio.channels.Selector#select(long)}: at least 1, or 0
     * for "forever" when unlimited.
     *
     * @throws SocketTimeoutException if the deadline has passed
     */
    long selectMillis() throws SocketTimeoutException {
        if (unlimited) {
            return 0;
        }
        long left = nanos - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException("deadline passed");
        }
        return Math.max(1, (left + 999_999) / 1_000_000);
    }
}
