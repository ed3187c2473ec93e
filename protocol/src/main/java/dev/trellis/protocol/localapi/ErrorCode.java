package dev.trellis.protocol.localapi;

/**
 * Machine-readable error codes (a Trellis extension): the {@code code} of an
 * {@link ErrorResponse} and the {@code ErrCode} beside a {@link Notify#errMessage()}. Programs
 * branch on the code, never on the message text. A client treats an unknown or absent code as a
 * generic failure, so the daemon may add codes freely; renaming one breaks clients.
 */
public final class ErrorCode {
    private ErrorCode() {}

    /**
     * The coordinator (login server) cannot be reached: name resolution, connection, TLS, or a
     * 5xx from it. The message names the URL and the cause.
     */
    public static final String CONTROL_UNREACHABLE = "control-unreachable";

    /**
     * The coordinator refused the auth key: unknown, expired, revoked, or single-use and already
     * used. The message says which when the coordinator does, and never contains the key.
     */
    public static final String AUTH_KEY_REFUSED = "auth-key-refused";

    /** The request needs a logged-in node (state NeedsLogin or NeedsMachineAuth). */
    public static final String NEEDS_LOGIN = "needs-login";

    /**
     * The caller may not do this (HTTP 403). The error body's {@code group}, when present, names
     * the OS group whose members may.
     */
    public static final String PERMISSION_DENIED = "permission-denied";

    /** The request is malformed (HTTP 400): a bug in the client. */
    public static final String BAD_REQUEST = "bad-request";

    /** What the request names does not exist (HTTP 404), e.g. no node has the address asked about. */
    public static final String NOT_FOUND = "not-found";

    /** What the request needs is not there yet (HTTP 409), e.g. netcheck before the first map named any relay. */
    public static final String NOT_READY = "not-ready";
}
