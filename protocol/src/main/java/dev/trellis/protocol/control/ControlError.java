package dev.trellis.protocol.control;

/**
 * The coordinator refuses a request. {@code code} is for programs, {@code message} for people
 * and says what to do next.
 */
public record ControlError(long id, Code code, String message) implements ControlMessage {
    public enum Code {
        /** The request is malformed; a bug on the node's side. */
        BAD_REQUEST,
        /** The node is not (or no longer) registered: register first. */
        UNAUTHORIZED,
        /** The node key has expired: log in again. */
        KEY_EXPIRED,
        /** The node speaks a capability version the coordinator does not serve. */
        UNSUPPORTED_VERSION,
        /** A failure on the coordinator's side; retry later. */
        INTERNAL,
    }
}
