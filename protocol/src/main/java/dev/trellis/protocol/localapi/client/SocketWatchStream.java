package dev.trellis.protocol.localapi.client;

import dev.trellis.protocol.http.StreamingResult;
import dev.trellis.protocol.localapi.LocalApiJson;
import dev.trellis.protocol.localapi.LocalApiJsonException;
import dev.trellis.protocol.localapi.Notify;
import java.io.EOFException;
import java.io.IOException;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * The notifications of one {@code watch-ipn-bus} response, read as they arrive: one JSON object
 * per line, each line at most {@code maxLine} bytes. A timeout closes the connection (the
 * streamed body has no read timeout, see {@link ReadTimer}), which ends the subscription.
 */
final class SocketWatchStream implements WatchStream {
    private final StreamingResult response;
    private final LineReader lines;
    private volatile boolean closed;
    private boolean timedOut;

    SocketWatchStream(StreamingResult response, int maxLine) {
        this.response = response;
        this.lines = new LineReader(response.body(), maxLine);
    }

    @Override
    public Notify next(Duration timeout) throws LocalApiException {
        if (closed) {
            throw new LocalApiIoException(timedOut ? "the notification stream was closed after a timeout"
                    : "the notification stream is closed", null);
        }
        byte[] line;
        try {
            line = ReadTimer.within(timeout, this::close, this::nextNonBlank);
        } catch (SocketTimeoutException e) {
            timedOut = true;
            throw new LocalApiTimeoutException("no notification from trellisd within "
                    + UnixSocketLocalApi.seconds(timeout));
        } catch (EOFException e) {
            // The body ended before its framing said it would: the daemon died or dropped us.
            throw closedByDaemon(e);
        } catch (ProtocolException e) {
            throw new LocalApiIoException("malformed notification stream: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new LocalApiIoException("notification stream broken: " + e.getMessage(), e);
        }
        if (line == null) {
            throw closedByDaemon(null);
        }
        try {
            return LocalApiJson.decode(line, Notify.class);
        } catch (LocalApiJsonException e) {
            throw new LocalApiIoException("trellisd sent a " + e.getMessage(), e);
        }
    }

    /** The next line with content, or null at the end of the body. */
    private byte[] nextNonBlank() throws IOException {
        while (true) {
            byte[] line = lines.next();
            if (line == null || !isBlank(line)) {
                return line;
            }
        }
    }

    private static boolean isBlank(byte[] line) {
        for (byte b : line) {
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    private static DaemonNotRunningException closedByDaemon(Throwable cause) {
        return new DaemonNotRunningException("trellisd closed the notification stream "
                + "(did it stop or restart?): check `systemctl status trellisd`", cause);
    }

    @Override
    public void close() {
        closed = true;
        response.close();
    }
}
