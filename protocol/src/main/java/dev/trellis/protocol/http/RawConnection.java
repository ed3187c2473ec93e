package dev.trellis.protocol.http;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/** An upgraded connection on either side: the connection's buffered input and its guarded output. */
final class RawConnection implements UpgradedConnection {
    private final Transport transport;
    private final ConnectionInput in;
    private final OutputStream out;
    private final HttpHeaders headers;

    RawConnection(Transport transport, ConnectionInput in, OutputStream out, HttpHeaders headers) {
        this.transport = transport;
        this.in = in;
        this.out = out;
        this.headers = headers;
    }

    @Override
    public InputStream in() {
        return in;
    }

    @Override
    public OutputStream out() {
        return out;
    }

    @Override
    public HttpHeaders headers() {
        return headers;
    }

    @Override
    public void readTimeout(Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("read timeout must not be negative: " + timeout);
        }
        in.readTimeout(timeout.isZero() ? 0 : HttpLimits.Timeouts.millis(timeout));
    }

    @Override
    public void close() {
        transport.close();
    }
}
