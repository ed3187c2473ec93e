package dev.trellis.protocol.http;

import java.io.InputStream;

/**
 * A response whose body is read as it arrives ({@link Http1Client#stream}); chunked bodies come
 * out de-chunked, and the stream ends where the body ends. Reads wait as long as the server is
 * silent; another thread may {@link #close()} to stop them. Closing closes the connection.
 */
public record StreamingResult(int status, HttpHeaders headers, InputStream body) implements AutoCloseable {

    @Override
    public void close() {
        try {
            body.close();
        } catch (java.io.IOException ignored) {
            // closing a connection cannot usefully fail
        }
    }
}
