package dev.trellis.protocol.localapi.client;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds a blocking read from a stream that has no read timeout of its own (the body of
 * {@link dev.trellis.protocol.http.Http1Client#stream} waits as long as the server is silent):
 * a timer closes the stream when the time is up, which wakes the reader, and the read reports a
 * timeout. The stream is finished after that. A read that completes just as the timer fires
 * counts as timed out, so a caller never gets data from a stream that was closed under it.
 */
final class ReadTimer {
    /** Longer waits are "no limit" in practice (and nanosecond arithmetic overflows at 292 years). */
    private static final Duration UNLIMITED = Duration.ofDays(365L * 100);
    private static final int RUNNING = 0;
    private static final int DONE = 1;
    private static final int FIRED = 2;
    // The timer only closes sockets, which never blocks, so one thread serves every stream.
    private static final ScheduledThreadPoolExecutor TIMER = createTimer();

    private ReadTimer() {}

    @FunctionalInterface
    interface Read<T> {
        T run() throws IOException;
    }

    /**
     * Runs {@code read}, closing the stream with {@code close} if it takes longer than
     * {@code timeout} (null: no limit).
     *
     * @throws SocketTimeoutException if the time ran out; the stream is then closed
     */
    static <T> T within(Duration timeout, Runnable close, Read<T> read) throws IOException {
        if (timeout == null || timeout.compareTo(UNLIMITED) > 0) {
            return read.run();
        }
        AtomicInteger state = new AtomicInteger(RUNNING);
        Future<?> alarm = TIMER.schedule(() -> {
            if (state.compareAndSet(RUNNING, FIRED)) {
                close.run();
            }
        }, Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
        try {
            T value = read.run();
            if (state.compareAndSet(RUNNING, DONE)) {
                return value;
            }
        } catch (IOException | RuntimeException e) {
            if (state.compareAndSet(RUNNING, DONE)) {
                throw e;
            }
            // The failure is the timer's close waking the read.
        } finally {
            alarm.cancel(false);
        }
        throw new SocketTimeoutException("nothing read within " + timeout.toMillis() + " ms");
    }

    private static ScheduledThreadPoolExecutor createTimer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().daemon().name("trellis-localapi-read-timer").factory());
        // Nearly every alarm is cancelled because its read finished: drop it at once.
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }
}
