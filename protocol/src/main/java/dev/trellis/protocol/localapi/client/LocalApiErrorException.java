package dev.trellis.protocol.localapi.client;

/**
 * The daemon answered with an HTTP error status.
 */
public final class LocalApiErrorException extends LocalApiException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final String path;

    /**
     * @param status the HTTP status
     * @param code the error body's {@link dev.trellis.protocol.localapi.ErrorCode}, or null
     * @param message the error body's {@code error} text (or its plain text)
     * @param path the request path, for the message
     */
    public LocalApiErrorException(int status, String code, String message, String path) {
        super(message, null);
        this.status = status;
        this.code = code;
        this.path = path;
    }

    public int status() {
        return status;
    }

    /** The machine-readable error code, or null. */
    public String code() {
        return code;
    }

    public String path() {
        return path;
    }
}
