package dev.trellis.protocol.http;

import java.time.Duration;

/**
 * What an {@link Http1Client} accepts from a server, and how long it waits.
 *
 * @param maxStatusLineBytes longest status line, without CRLF
 * @param maxHeaderBytes     all response header lines together, each counted with its CRLF
 * @param maxHeaders         number of response header fields
 * @param maxBodyBytes       body that {@link Http1Client#send} reads into memory
 * @param responseTimeout    from the request's last byte until the response head is complete
 * @param readTimeout        how long one read of a {@code send} body, or one write of a request,
 *                           may wait; streamed and upgraded connections have no read timeout
 *                           unless their user sets one
 * @param maxIdleConnections kept-alive connections kept for reuse
 */
public record ClientLimits(
        int maxStatusLineBytes,
        int maxHeaderBytes,
        int maxHeaders,
        long maxBodyBytes,
        Duration responseTimeout,
        Duration readTimeout,
        int maxIdleConnections) {

    public ClientLimits {
        HttpLimits.positive(maxStatusLineBytes, "maxStatusLineBytes");
        HttpLimits.positive(maxHeaderBytes, "maxHeaderBytes");
        HttpLimits.positive(maxHeaders, "maxHeaders");
        if (maxBodyBytes < 0) {
            throw new IllegalArgumentException("maxBodyBytes must not be negative, got " + maxBodyBytes);
        }
        HttpLimits.Timeouts.checkPositive(responseTimeout, "responseTimeout");
        HttpLimits.Timeouts.checkPositive(readTimeout, "readTimeout");
        if (maxIdleConnections < 0) {
            throw new IllegalArgumentException("maxIdleConnections must not be negative, got " + maxIdleConnections);
        }
    }

    /** 8 KiB status line, 64 KiB and 100 headers, 64 MiB body, 30 s timeouts, 4 idle connections. */
    public static ClientLimits defaults() {
        return new ClientLimits(8 * 1024, 64 * 1024, 100, 64L << 20,
                Duration.ofSeconds(30), Duration.ofSeconds(30), 4);
    }

    public ClientLimits withMaxBodyBytes(long bytes) {
        return new ClientLimits(maxStatusLineBytes, maxHeaderBytes, maxHeaders, bytes,
                responseTimeout, readTimeout, maxIdleConnections);
    }

    public ClientLimits withTimeouts(Duration response, Duration read) {
        return new ClientLimits(maxStatusLineBytes, maxHeaderBytes, maxHeaders, maxBodyBytes,
                response, read, maxIdleConnections);
    }
}
