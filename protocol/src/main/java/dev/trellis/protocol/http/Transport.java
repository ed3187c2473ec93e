package dev.trellis.protocol.http;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Future;

/**
 * One connected byte stream (TCP, TLS over TCP, or Unix socket) with the few controls HTTP needs:
 * a per-read timeout, half-close, and an immediate close that any thread may call to wake the
 * connection's blocked reader and writer.
 */
abstract class Transport implements Closeable {
    private final List<Runnable> onClose = new ArrayList<>(2); // guarded by this
    private volatile boolean closed;

    /** Raw input; reads obey {@link #readTimeout}. */
    abstract InputStream input();

    /** Raw output, without a stall guard; see {@link #output(int)}. */
    abstract OutputStream rawOutput();

    /** Later reads wait at most {@code millis} (0: forever) and then throw SocketTimeoutException. */
    abstract void readTimeout(int millis) throws IOException;

    abstract SocketAddress remoteAddress();

    boolean secure() {
        return false;
    }

    Optional<PeerCredentials> peer() throws IOException {
        return Optional.empty();
    }

    /** Ends our direction (FIN, or TLS close_notify) while still reading. */
    abstract void shutdownOutput() throws IOException;

    /** Releases the socket; must not block. */
    protected abstract void closeNow() throws IOException;

    /** Runs {@code action} once, after the transport closed, whoever closed it (at once if it already has). */
    void onClose(Runnable action) {
        synchronized (this) {
            if (!closed) {
                onClose.add(action);
                return;
            }
        }
        action.run();
    }

    boolean isClosed() {
        return closed;
    }

    /** Closes at once, from any thread; idempotent and silent. */
    @Override
    public final void close() {
        List<Runnable> actions;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            actions = List.copyOf(onClose);
            onClose.clear();
        }
        try {
            closeNow();
        } catch (IOException ignored) {
            // closing a socket only fails if it was already gone
        } finally {
            actions.forEach(Runnable::run);
        }
    }

    /** Unbuffered output whose every write is dropped, with the connection, if it stalls {@code stallMillis}. */
    OutputStream output(int stallMillis) {
        return new StallGuardedOutput(rawOutput(), stallMillis);
    }

    private final class StallGuardedOutput extends OutputStream {
        private final OutputStream out;
        private final int stallMillis;
        private volatile boolean stalled;

        StallGuardedOutput(OutputStream out, int stallMillis) {
            this.out = out;
            this.stallMillis = stallMillis;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Future<?> guard = Watchdog.after(stallMillis, this::stall);
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw stalled ? timeout() : e;
            } finally {
                guard.cancel(false);
            }
        }

        @Override
        public void flush() throws IOException {
            Future<?> guard = Watchdog.after(stallMillis, this::stall);
            try {
                out.flush();
            } catch (IOException e) {
                throw stalled ? timeout() : e;
            } finally {
                guard.cancel(false);
            }
        }

        private void stall() {
            stalled = true;
            Transport.this.close();
        }

        private SocketTimeoutException timeout() {
            return new SocketTimeoutException("peer read nothing for " + stallMillis + " ms; connection dropped");
        }

        @Override
        public void close() {
            Transport.this.close();
        }
    }
}
