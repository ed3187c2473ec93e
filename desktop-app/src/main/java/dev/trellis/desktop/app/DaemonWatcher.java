package dev.trellis.desktop.app;

import dev.trellis.desktop.model.DaemonSnapshot;
import dev.trellis.protocol.localapi.Notify;
import dev.trellis.protocol.localapi.Prefs;
import dev.trellis.protocol.localapi.Status;
import dev.trellis.protocol.localapi.WatchOpt;
import dev.trellis.protocol.localapi.client.LocalApi;
import dev.trellis.protocol.localapi.client.LocalApiException;
import dev.trellis.protocol.localapi.client.WatchStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps the app's picture of trellisd current. Two threads:
 *
 * <ul>
 *   <li>the <em>bus</em> thread holds a {@code watch-ipn-bus} subscription, hands every
 *       notification to the event handler and asks for a refresh; when the daemon is away it
 *       tries again every {@code retry}, so a daemon started later is noticed within that;
 *   <li>the <em>refresh</em> thread fetches status and prefs when asked and at least every
 *       {@code poll} (paths, latency and byte counts change without notifications), and hands
 *       the result, or the failure, to the snapshot handler.
 * </ul>
 *
 * <p>Handlers run on these threads, one at a time per handler; they must hand off to the UI
 * thread themselves. Nothing here throws into a handler; every failure becomes a snapshot.
 */
public final class DaemonWatcher implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(DaemonWatcher.class.getName());
    /** Current state and prefs first, then changes; no keys (a desktop app never needs them). */
    static final long WATCH_MASK = WatchOpt.mask(WatchOpt.INITIAL_STATE, WatchOpt.INITIAL_PREFS,
            WatchOpt.NO_PRIVATE_KEYS);

    private final LocalApi api;
    private final Clock clock;
    private final Duration poll;
    private final Duration retry;
    private final Consumer<DaemonSnapshot> onSnapshot;
    private final Consumer<Notify> onNotify;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    // No fetch of its own at start: the subscription's first notification (the daemon's current
    // state, which WATCH_MASK asks for) or the failure to subscribe asks for one right away.
    private boolean refreshWanted;
    private boolean closed;
    private WatchStream stream;
    private Thread busThread;
    private Thread refreshThread;

    /**
     * @param poll how often status is fetched when nothing happens
     * @param retry how long to wait before subscribing again after the daemon went away
     */
    public DaemonWatcher(LocalApi api, Clock clock, Duration poll, Duration retry,
            Consumer<DaemonSnapshot> onSnapshot, Consumer<Notify> onNotify) {
        this.api = Objects.requireNonNull(api);
        this.clock = Objects.requireNonNull(clock);
        this.poll = requirePositive(poll, "poll");
        this.retry = requirePositive(retry, "retry");
        this.onSnapshot = Objects.requireNonNull(onSnapshot);
        this.onNotify = Objects.requireNonNull(onNotify);
    }

    private static Duration requirePositive(Duration d, String what) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, got " + d);
        }
        return d;
    }

    /** Starts both threads; the first snapshot follows at once. */
    public void start() {
        lock.lock();
        try {
            if (busThread != null || closed) {
                throw new IllegalStateException("already started or closed");
            }
            busThread = Thread.ofPlatform().daemon().name("trellis-desktop-bus").start(this::busLoop);
            refreshThread = Thread.ofPlatform().daemon().name("trellis-desktop-refresh").start(this::refreshLoop);
        } finally {
            lock.unlock();
        }
    }

    /** Asks for a status fetch now (after an action, say), without waiting for it. */
    public void refresh() {
        lock.lock();
        try {
            refreshWanted = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void busLoop() {
        while (true) {
            WatchStream s;
            try {
                s = api.watch(WATCH_MASK);
            } catch (LocalApiException e) {
                // The refresh thread reports what is wrong; here we only come back later.
                refresh();
                if (!pause(retry)) {
                    return;
                }
                continue;
            }
            lock.lock();
            try {
                if (closed) {
                    s.close();
                    return;
                }
                stream = s;
            } finally {
                lock.unlock();
            }
            try {
                while (true) {
                    Notify n = s.next(null);
                    try {
                        onNotify.accept(n);
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "notification handler failed", e);
                    }
                    refresh();
                }
            } catch (LocalApiException e) {
                s.close();
                refresh();
                if (!pause(retry)) {
                    return;
                }
            }
        }
    }

    private void refreshLoop() {
        while (true) {
            lock.lock();
            try {
                long left = poll.toNanos();
                while (!refreshWanted && !closed && left > 0) {
                    left = wake.awaitNanos(left);
                }
                if (closed) {
                    return;
                }
                refreshWanted = false;
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            DaemonSnapshot snap = fetch();
            try {
                onSnapshot.accept(snap);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "snapshot handler failed", e);
            }
        }
    }

    DaemonSnapshot fetch() {
        return fetchOnce(api, clock);
    }

    /**
     * One status and prefs fetch, as a snapshot (a failure is a snapshot too). The app starts one
     * before JavaFX does, so the daemon's answer (and the JSON codec's warm-up) is ready by the
     * time the window is.
     */
    public static DaemonSnapshot fetchOnce(LocalApi api, Clock clock) {
        try {
            Status status = api.status();
            Prefs prefs = api.prefs();
            return DaemonSnapshot.ok(status, prefs, clock.instant());
        } catch (LocalApiException e) {
            return Failures.snapshot(e, clock.instant());
        }
    }

    /** Waits {@code d} unless closed first; false when closed. */
    private boolean pause(Duration d) {
        lock.lock();
        try {
            long left = d.toNanos();
            while (!closed && left > 0) {
                left = wake.awaitNanos(left);
            }
            return !closed;
        } catch (InterruptedException e) {
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Stops both threads and the subscription; waits for them briefly. Never throws. */
    @Override
    public void close() {
        WatchStream s;
        Thread a;
        Thread b;
        lock.lock();
        try {
            closed = true;
            s = stream;
            stream = null;
            a = busThread;
            b = refreshThread;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        if (s != null) {
            s.close();
        }
        for (Thread t : new Thread[] {a, b}) {
            if (t != null && t != Thread.currentThread()) {
                try {
                    t.join(2000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
