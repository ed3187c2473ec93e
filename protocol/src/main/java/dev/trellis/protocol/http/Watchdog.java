package dev.trellis.protocol.http;

import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs an action if an operation outlives its time, for what the JDK cannot time out itself:
 * blocking writes, Unix-socket reads and Unix connects. The actions only close or shut down a
 * socket, which never blocks, so one thread serves the whole process.
 */
final class Watchdog {
    private static final System.Logger LOG = System.getLogger(Watchdog.class.getName());
    private static final ScheduledThreadPoolExecutor TIMER = createTimer();

    private Watchdog() {}

    private static ScheduledThreadPoolExecutor createTimer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().daemon().name("trellis-http-watchdog").factory());
        // Almost every guard is cancelled because the operation finished: drop them at once
        // rather than keeping them queued until their deadline.
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    /** Runs {@code action} after {@code millis} unless the returned future is cancelled first. */
    static Future<?> after(long millis, Action action) {
        return TIMER.schedule(() -> {
            try {
                action.run();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.DEBUG, "watchdog action failed", e);
            }
        }, millis, TimeUnit.MILLISECONDS);
    }

    @FunctionalInterface
    interface Action {
        void run() throws Exception;
    }
}
