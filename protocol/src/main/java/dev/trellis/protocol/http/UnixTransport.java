package dev.trellis.protocol.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Future;

/**
 * A Unix-domain stream socket. A SocketChannel has no read timeout, so a timed read arms the
 * {@link Watchdog} to shut the input down, which wakes the reader with end-of-stream; the read then
 * reports the timeout, and the connection is finished reading for good.
 */
final class UnixTransport extends Transport {
    private final SocketChannel channel;
    private final InputStream in;
    private final OutputStream out;
    private final boolean accepted;
    private Optional<PeerCredentials> peer;
    private volatile int readTimeoutMillis;

    private UnixTransport(SocketChannel channel, boolean accepted) {
        this.channel = channel;
        this.accepted = accepted;
        this.in = new TimedInput(Channels.newInputStream(channel));
        this.out = Channels.newOutputStream(channel);
    }

    /** An accepted connection; {@link #peer()} asks the kernel who the peer is. */
    static UnixTransport accepted(SocketChannel channel) {
        return new UnixTransport(channel, true);
    }

    /** Connects to {@code path}, giving up after {@code timeoutMillis} if the listener's backlog is full. */
    static UnixTransport connect(Path path, int timeoutMillis) throws IOException {
        return new UnixTransport(connectChannel(path, timeoutMillis), false);
    }

    static SocketChannel connectChannel(Path path, int timeoutMillis) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        Future<?> guard = Watchdog.after(timeoutMillis, channel::close);
        try {
            channel.connect(UnixDomainSocketAddress.of(path));
        } catch (IOException e) {
            channel.close();
            if (guard.isDone() && !guard.isCancelled()) {
                throw new SocketTimeoutException("connect to " + path + " timed out after " + timeoutMillis + " ms");
            }
            throw e;
        } finally {
            guard.cancel(false);
        }
        return channel;
    }

    @Override
    InputStream input() {
        return in;
    }

    @Override
    OutputStream rawOutput() {
        return out;
    }

    @Override
    void readTimeout(int millis) {
        readTimeoutMillis = millis;
    }

    @Override
    SocketAddress remoteAddress() {
        try {
            return channel.getRemoteAddress();
        } catch (IOException e) {
            return UnixDomainSocketAddress.of("");
        }
    }

    /** Resolved on first use, on the connection's thread: the name lookups may be slow (NSS). */
    @Override
    synchronized Optional<PeerCredentials> peer() throws IOException {
        if (peer == null) {
            peer = accepted ? Optional.of(PeerIds.of(channel)) : Optional.empty();
        }
        return peer;
    }

    @Override
    void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    @Override
    protected void closeNow() throws IOException {
        channel.close();
    }

    private final class TimedInput extends InputStream {
        private final InputStream in;
        private volatile boolean timedOut;

        TimedInput(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (timedOut) {
                throw new SocketTimeoutException("an earlier read timed out; the input is shut down");
            }
            int millis = readTimeoutMillis;
            if (millis == 0) {
                return in.read(b, off, len);
            }
            Future<?> guard = Watchdog.after(millis, () -> {
                timedOut = true;
                channel.shutdownInput();
            });
            int n;
            try {
                n = in.read(b, off, len);
            } finally {
                guard.cancel(false);
            }
            if (timedOut) {
                throw timeout(millis);
            }
            return n;
        }

        private SocketTimeoutException timeout(int millis) {
            return new SocketTimeoutException("read timed out after " + millis + " ms");
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }

        @Override
        public void close() {
            UnixTransport.this.close();
        }
    }
}
