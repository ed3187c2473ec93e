package dev.trellis.protocol.http;

import java.io.IOException;

/**
 * Serves one request. It runs on the connection's own virtual thread, so it may block; it must
 * answer through the exchange (respond, respondStreaming or upgrade) before returning, or the
 * server answers 500. Throwing {@link HttpStatusException} before answering sends that status with
 * the exception's message as plain text; any other exception sends 500 and is logged.
 */
@FunctionalInterface
public interface Handler {
    void handle(HttpExchange exchange) throws IOException;
}
