package dev.trellis.engine.controlclient;

/** Why the control client gave up; each needs a different action from the user. */
public enum ControlFailure {
    /** The pre-auth key was refused (wrong, expired or already used). */
    AUTH_KEY_REFUSED,
    /** The node must log in (interactively or with a pre-auth key). */
    NEEDS_LOGIN,
    /** The node key expired: log in again. */
    KEY_EXPIRED,
    /** The coordinator's key differs from the pinned one. */
    SERVER_KEY_CHANGED,
    /** The coordinator refused this node's protocol version. */
    UNSUPPORTED_VERSION,
}
