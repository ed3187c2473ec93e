package dev.trellis.daemon.backend;

/** A LocalAPI request the backend refuses; {@code code} is one of the LocalAPI's error codes. */
public final class BackendException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String code;

    public BackendException(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
