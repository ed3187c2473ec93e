package dev.trellis.protocol.localapi.client;

/**
 * Nobody serves the socket: it does not exist, refuses connections (a stale socket file), or the
 * daemon closed a stream it was serving. The message is {@link #situation()} and, when known,
 * the advice after it; a client with advice of its own (the desktop app's) uses the situation.
 */
public final class DaemonNotRunningException extends LocalApiException {
    private static final long serialVersionUID = 1L;

    private final String situation;

    public DaemonNotRunningException(String message) {
        this(message, (Throwable) null);
    }

    public DaemonNotRunningException(String message, Throwable cause) {
        super(message, cause);
        this.situation = message;
    }

    /**
     * @param situation what is the case, e.g. "trellisd is not running (no socket at PATH)"
     * @param advice what to do about it, e.g. "start it with `sudo trellisd`"
     */
    public DaemonNotRunningException(String situation, String advice, Throwable cause) {
        super(situation + ": " + advice, cause);
        this.situation = situation;
    }

    /** What is the case, without the advice. */
    public String situation() {
        return situation;
    }
}
