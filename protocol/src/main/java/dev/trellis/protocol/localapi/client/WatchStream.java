package dev.trellis.protocol.localapi.client;

import dev.trellis.protocol.localapi.Notify;
import java.time.Duration;

/** An open {@code watch-ipn-bus} subscription: the daemon's notifications in order. */
public interface WatchStream extends AutoCloseable {

    /**
     * The next notification, waiting at most {@code timeout} (null: without limit).
     *
     * @throws LocalApiTimeoutException if none arrived in time; that ends the subscription, and
     *     later calls fail
     * @throws DaemonNotRunningException if the daemon closed the stream (it stopped or restarted)
     */
    Notify next(Duration timeout) throws LocalApiException;

    /** Ends the subscription; further {@link #next} calls fail. Never throws. */
    @Override
    void close();
}
