package dev.trellis.protocol.disco;

/**
 * A datagram that looked like disco but is not a valid one: truncated, unauthenticated, of an
 * unknown type or with a malformed body. Receivers count and drop it; the message says what was
 * wrong and never holds key material.
 */
public final class DiscoException extends Exception {
    public DiscoException(String message) {
        super(message);
    }

    public DiscoException(String message, Throwable cause) {
        super(message, cause);
    }
}
