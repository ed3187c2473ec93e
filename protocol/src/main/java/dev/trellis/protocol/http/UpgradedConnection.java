package dev.trellis.protocol.http;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/**
 * A connection that has left HTTP after {@code 101 Switching Protocols}: raw bytes both ways.
 * {@link #in()} starts with any bytes the peer sent right behind the HTTP message (they were
 * already buffered, never lost). The streams may be used by two threads at once, one reading and
 * one writing. Closing either stream, or this, closes the connection; so does the owning
 * {@link HttpServer}'s close. A write that stalls longer than the server's idle timeout (the
 * client's read timeout) drops the connection; reads wait forever unless {@link #readTimeout} is
 * set.
 */
public interface UpgradedConnection extends AutoCloseable {
    InputStream in();

    /** Unbuffered: every write is handed to the socket (or TLS) at once. */
    OutputStream out();

    /** On the server, the upgrade request's headers; on the client, the 101 response's. */
    HttpHeaders headers();

    /**
     * Makes each later read wait at most {@code timeout} ({@link Duration#ZERO}: forever), then
     * throw {@link java.net.SocketTimeoutException}; after that the connection is unusable and
     * should be closed.
     */
    void readTimeout(Duration timeout);

    /** Closes the connection at once; idempotent, never throws. */
    @Override
    void close();
}
