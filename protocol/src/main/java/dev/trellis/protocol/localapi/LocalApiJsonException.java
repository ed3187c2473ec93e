package dev.trellis.protocol.localapi;

/** A LocalAPI JSON document is malformed; the message says which type and what is wrong. */
public final class LocalApiJsonException extends Exception {
    private static final long serialVersionUID = 1L;

    public LocalApiJsonException(String message) {
        super(message);
    }

    public LocalApiJsonException(String message, Throwable cause) {
        super(message, cause);
    }
}
