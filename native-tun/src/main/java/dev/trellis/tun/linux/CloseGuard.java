package dev.trellis.tun.linux;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Keeps a file descriptor from being closed while any thread is inside a system call on it.
 *
 * <p>Without it, {@code close(fd)} could run while a reader is between checking "open" and
 * calling {@code read(fd)}; the number could meanwhile be reused by an unrelated {@code open} in
 * another thread, and the reader would then consume that file's data. So every use brackets its
 * calls with {@link #enter()}/{@link #exit()}, and {@link #close} marks the guard closed, wakes
 * the users (they must notice promptly, e.g. via an eventfd in their {@code poll}), waits until
 * none is inside, and only then releases the descriptors.
 *
 * <p>The state is one int: the sign bit is "closed", the rest counts users inside. Entering and
 * exiting are a CAS and a decrement: no lock on the packet path.
 */
final class CloseGuard {

    /** An action that may fail, run by {@link #close}. */
    interface Action {
        void run() throws IOException;
    }

    private static final int CLOSED = Integer.MIN_VALUE;

    private final AtomicInteger state = new AtomicInteger();
    /** The thread waiting in {@link #close}; written before the closed bit is set. */
    private volatile Thread closer;
    /** Guarded by {@code this}: the release action has run (or started). */
    private boolean released;

    /** Registers a user; throws if closed. Every successful call must be paired with exit. */
    void enter() throws ClosedChannelException {
        for (;;) {
            int s = state.get();
            if (s < 0) {
                throw new ClosedChannelException();
            }
            if (state.compareAndSet(s, s + 1)) {
                return;
            }
        }
    }

    void exit() {
        // The last user out after close() began lets the closer proceed.
        if (state.decrementAndGet() == CLOSED) {
            LockSupport.unpark(closer);
        }
    }

    /** Whether close has begun; users blocked in a wait check this when woken. */
    boolean isClosed() {
        return state.get() < 0;
    }

    /**
     * Closes: from now on {@link #enter()} throws; then runs {@code wake} so that users inside
     * return, waits for them to {@link #exit()}, and runs {@code release} exactly once. Later or
     * concurrent calls return after the first has finished. An interrupt does not cut the wait
     * short (the descriptors must not be released under a user); it is re-asserted on return.
     */
    synchronized void close(Runnable wake, Action release) throws IOException {
        if (released) {
            return;
        }
        closer = Thread.currentThread();
        int s;
        do {
            s = state.get();
        } while (!state.compareAndSet(s, s | CLOSED));
        wake.run();
        boolean interrupted = false;
        while (state.get() != CLOSED) {
            LockSupport.park(this);
            interrupted |= Thread.interrupted();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        released = true;
        release.run();
    }
}
