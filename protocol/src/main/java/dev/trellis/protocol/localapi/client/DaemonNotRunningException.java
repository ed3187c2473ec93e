package dev.trellis.protocol.localapi.client;

/**
 * Nobody serves the socket: it does not exist, refuses connections (a stale socket file), or the
 * daemon closed a stream it was serving.
 */
public final class DaemonNotRunningException extends LocalApiException {
    private static final long serialVersionUID = 1L;

    public DaemonNotRunningException(String message) {
        super(message, null);
    }

    public DaemonNotRunningException(String message, Throwable cause) {
        super(message, cause);
    }
}
