package dev.trellis.protocol.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The buffered input of one connection, shared by the head parser, the body streams and, after an
 * upgrade, the new protocol, so bytes read ahead are never lost. Every read from the transport is
 * bounded by a per-read timeout, an absolute deadline, or both.
 */
final class ConnectionInput extends InputStream {
    private final Transport transport;
    private final InputStream raw;
    private final byte[] buf;
    private int pos;
    private int limit;
    private volatile int readTimeoutMillis; // an upgraded connection's user may set it from any thread
    private long deadlineNanos;
    private boolean hasDeadline;

    ConnectionInput(Transport transport, int bufferSize) {
        this.transport = transport;
        this.raw = transport.input();
        this.buf = new byte[bufferSize];
    }

    /** Each later read from the transport waits at most {@code millis} (0: no limit). */
    void readTimeout(int millis) {
        readTimeoutMillis = millis;
    }

    /** Reads from the transport fail with SocketTimeoutException once {@code nanoTime} passes. */
    void deadline(long nanoTime) {
        deadlineNanos = nanoTime;
        hasDeadline = true;
    }

    void clearDeadline() {
        hasDeadline = false;
    }

    int buffered() {
        return limit - pos;
    }

    /** The next byte without consuming it; -1 at end of stream. */
    int peek() throws IOException {
        if (pos == limit && !fill()) {
            return -1;
        }
        return buf[pos] & 0xff;
    }

    /**
     * Reads one CRLF-terminated line of at most {@code maxBytes} bytes (terminator not counted) as
     * ISO-8859-1. A bare LF or bare CR is a syntax error (400), never a line end, so this parser
     * and any proxy in front of it cannot disagree about where a header ends. A longer line throws
     * {@link HttpStatusException} with {@code tooLongStatus}; end of stream throws EOFException.
     */
    String readLine(int maxBytes, int tooLongStatus, String what) throws IOException {
        StringBuilder line = new StringBuilder(Math.min(maxBytes, 128));
        while (true) {
            if (pos == limit && !fill()) {
                throw new EOFException("connection closed in the middle of " + what);
            }
            int b = buf[pos++] & 0xff;
            if (b == '\r') {
                if (pos == limit && !fill()) {
                    throw new EOFException("connection closed in the middle of " + what);
                }
                if (buf[pos] != '\n') {
                    throw new HttpStatusException(400, "bare CR in " + what);
                }
                pos++;
                return line.toString();
            }
            if (b == '\n') {
                throw new HttpStatusException(400, what + " ends with a bare LF; CRLF is required");
            }
            if (line.length() >= maxBytes) {
                throw new HttpStatusException(tooLongStatus, what + " is longer than " + maxBytes + " bytes");
            }
            line.append((char) b);
        }
    }

    @Override
    public int read() throws IOException {
        if (pos == limit && !fill()) {
            return -1;
        }
        return buf[pos++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (pos == limit) {
            if (len >= buf.length) {
                return rawRead(b, off, len);
            }
            if (!fill()) {
                return -1;
            }
        }
        int n = Math.min(len, limit - pos);
        System.arraycopy(buf, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public int available() {
        return limit - pos;
    }

    @Override
    public void close() {
        transport.close();
    }

    private boolean fill() throws IOException {
        int n = rawRead(buf, 0, buf.length);
        if (n <= 0) {
            return false;
        }
        pos = 0;
        limit = n;
        return true;
    }

    private int rawRead(byte[] b, int off, int len) throws IOException {
        int millis = readTimeoutMillis;
        if (hasDeadline) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("deadline passed");
            }
            int untilDeadline = (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(left)));
            millis = millis == 0 ? untilDeadline : Math.min(millis, untilDeadline);
        }
        transport.readTimeout(millis);
        int n;
        do {
            n = raw.read(b, off, len);
        } while (n == 0);
        return n;
    }
}
