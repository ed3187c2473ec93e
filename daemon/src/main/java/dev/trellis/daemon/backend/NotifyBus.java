package dev.trellis.daemon.backend;

import dev.trellis.protocol.localapi.Notify;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Fans {@link Notify} messages out to LocalAPI watchers. Each watcher has a bounded queue; one
 * that falls that far behind is cut off (its stream ends and it may reconnect) rather than
 * letting the daemon's memory grow or its state machine wait for a slow reader.
 */
public final class NotifyBus {
    static final int QUEUE_LIMIT = 256;

    private final Set<Watcher> watchers = ConcurrentHashMap.newKeySet();

    /** One watcher's queue. */
    public final class Watcher implements AutoCloseable {
        private final LinkedBlockingQueue<Notify> queue = new LinkedBlockingQueue<>(QUEUE_LIMIT);
        private volatile boolean closed;

        /** The next message, or null after {@code timeout}; throws once the watcher was cut off. */
        public Notify next(Duration timeout) throws InterruptedException, WatcherClosedException {
            if (closed && queue.isEmpty()) {
                throw new WatcherClosedException();
            }
            return queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        }

        void offer(Notify n) {
            if (!closed && !queue.offer(n)) {
                closed = true; // too slow: end its stream
            }
        }

        @Override
        public void close() {
            closed = true;
            watchers.remove(this);
        }
    }

    /** Thrown by {@link Watcher#next} once a watcher fell too far behind. */
    public static final class WatcherClosedException extends Exception {
        private static final long serialVersionUID = 1L;

        WatcherClosedException() {
            super("watcher fell more than " + QUEUE_LIMIT + " messages behind");
        }
    }

    /**
     * Registers a watcher and queues {@code initial} first, so nothing published after this
     * call can overtake it.
     */
    public Watcher watch(Notify initial) {
        Watcher w = new Watcher();
        if (initial != null) {
            w.offer(initial);
        }
        watchers.add(w);
        return w;
    }

    public void publish(Notify n) {
        for (Watcher w : watchers) {
            w.offer(n);
        }
    }

    public int watcherCount() {
        return watchers.size();
    }
}
