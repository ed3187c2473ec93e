package dev.trellis.protocol.localapi.client;

/**
 * The connection broke mid-request, or the reply was not a LocalAPI reply (malformed HTTP or
 * JSON, too large): a bug or a different program on the socket.
 */
public final class LocalApiIoException extends LocalApiException {
    private static final long serialVersionUID = 1L;

    public LocalApiIoException(String message, Throwable cause) {
        super(message, cause);
    }
}
