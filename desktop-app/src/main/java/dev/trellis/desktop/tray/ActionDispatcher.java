package dev.trellis.desktop.tray;

import dev.trellis.desktop.model.Action;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Hands a tray's clicks to the app's handler on a thread of its own (a daemon named after the
 * tray), one at a time in click order, so the handler can never stall the AWT event thread or a
 * D-Bus dispatch thread. A handler that throws is logged and keeps getting later clicks.
 *
 * <p>At most {@value #MAX_QUEUED} clicks wait; past that (the handler is stuck) further clicks are
 * dropped and logged, not queued without bound.
 */
public final class ActionDispatcher implements AutoCloseable {
    static final int MAX_QUEUED = 64;
    private static final System.Logger LOG = System.getLogger(ActionDispatcher.class.getName());

    private final Consumer<Action> handler;
    private final ThreadPoolExecutor executor;

    /** @param threadName the handler's thread, e.g. "trellis-tray-xembed" */
    public ActionDispatcher(String threadName, Consumer<Action> handler) {
        Objects.requireNonNull(threadName, "threadName");
        this.handler = Objects.requireNonNull(handler, "handler");
        this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(MAX_QUEUED),
                r -> Thread.ofPlatform().name(threadName).daemon(true).unstarted(r),
                (r, e) -> { throw new RejectedExecutionException(); });
    }

    /** Queues {@code action} for the handler and returns at once; dropped (and logged) after {@link #close()}. */
    public void dispatch(Action action) {
        Objects.requireNonNull(action, "action");
        try {
            executor.execute(() -> run(action));
        } catch (RejectedExecutionException e) {
            LOG.log(System.Logger.Level.WARNING, executor.isShutdown()
                    ? "tray closed: dropped " + action.kind()
                    : "tray handler is stuck (" + MAX_QUEUED + " clicks waiting): dropped " + action.kind());
        }
    }

    private void run(Action action) {
        try {
            handler.accept(action);
        } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError) {
                throw e;
            }
            LOG.log(System.Logger.Level.ERROR, "tray action " + action.kind() + " failed", e);
        }
    }

    /** Lets the handler finish what it runs; drops what waits. Never blocks, never throws. */
    @Override
    public void close() {
        executor.shutdownNow();
    }
}
