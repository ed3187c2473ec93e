package dev.trellis.protocol.http;

import java.io.IOException;

/**
 * An HTTP error status with a short plain-text explanation. A handler throws it to answer with
 * that status (the message is the response body, so it must be fit for the client's eyes: no
 * secrets); the server's parser throws it for a bad request; {@link Http1Client#upgrade} throws
 * it when the server refused, carrying the server's status and (bounded) error text.
 */
public final class HttpStatusException extends IOException {
    private final int status;

    public HttpStatusException(int status, String message) {
        super(message);
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("HTTP status must have three digits, got " + status);
        }
        this.status = status;
    }

    public int status() {
        return status;
    }
}
