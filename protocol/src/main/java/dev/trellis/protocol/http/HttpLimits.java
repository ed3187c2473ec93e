package dev.trellis.protocol.http;

import java.time.Duration;
import java.util.Objects;

/**
 * What a server accepts from its clients; every limit answers with its own status when exceeded.
 *
 * @param maxRequestLineBytes longest request line (method, target, version), without CRLF; 414
 * @param maxHeaderBytes      all header lines together, each counted with its CRLF; 431
 * @param maxHeaders          number of header fields; 431
 * @param maxBodyBytes        request body, declared or chunked; 413
 * @param headerReadTimeout   from accept (including the TLS handshake) or from the first byte of a
 *                            later request until its head is complete; 408, so a slowloris client
 *                            cannot hold a connection by dripping bytes
 * @param idleTimeout         how long a kept-alive connection may wait for its next request, how
 *                            long one read of a request body may wait, and how long one write of a
 *                            response (or to an upgraded connection) may stall before the
 *                            connection is dropped
 * @param maxConnections      open connections, including streaming and upgraded ones; a connection
 *                            beyond it is answered 503 and closed
 */
public record HttpLimits(
        int maxRequestLineBytes,
        int maxHeaderBytes,
        int maxHeaders,
        long maxBodyBytes,
        Duration headerReadTimeout,
        Duration idleTimeout,
        int maxConnections) {

    public HttpLimits {
        positive(maxRequestLineBytes, "maxRequestLineBytes");
        positive(maxHeaderBytes, "maxHeaderBytes");
        positive(maxHeaders, "maxHeaders");
        if (maxBodyBytes < 0) {
            throw new IllegalArgumentException("maxBodyBytes must not be negative, got " + maxBodyBytes);
        }
        Timeouts.checkPositive(headerReadTimeout, "headerReadTimeout");
        Timeouts.checkPositive(idleTimeout, "idleTimeout");
        positive(maxConnections, "maxConnections");
    }

    /** 8 KiB request line, 64 KiB and 100 headers, 4 MiB body, 10 s head, 2 min idle, 1024 connections. */
    public static HttpLimits defaults() {
        return new HttpLimits(8 * 1024, 64 * 1024, 100, 4L << 20,
                Duration.ofSeconds(10), Duration.ofMinutes(2), 1024);
    }

    public HttpLimits withMaxBodyBytes(long bytes) {
        return new HttpLimits(maxRequestLineBytes, maxHeaderBytes, maxHeaders, bytes,
                headerReadTimeout, idleTimeout, maxConnections);
    }

    public HttpLimits withTimeouts(Duration headerRead, Duration idle) {
        return new HttpLimits(maxRequestLineBytes, maxHeaderBytes, maxHeaders, maxBodyBytes,
                headerRead, idle, maxConnections);
    }

    public HttpLimits withMaxConnections(int connections) {
        return new HttpLimits(maxRequestLineBytes, maxHeaderBytes, maxHeaders, maxBodyBytes,
                headerReadTimeout, idleTimeout, connections);
    }

    static void positive(long value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }

    /** Timeout checks shared with {@link ClientLimits}. */
    static final class Timeouts {
        private Timeouts() {}

        static void checkPositive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero() || d.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(name + " must be between 1 ms and 24 days, got " + d);
            }
        }

        /** Milliseconds for a socket timeout, at least 1 (0 would mean forever). */
        static int millis(Duration d) {
            return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
        }
    }
}
