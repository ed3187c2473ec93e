package dev.trellis.protocol.localapi.client;

/** The daemon did not answer (or notify) in time. */
public final class LocalApiTimeoutException extends LocalApiException {
    private static final long serialVersionUID = 1L;

    public LocalApiTimeoutException(String message) {
        super(message, null);
    }
}
