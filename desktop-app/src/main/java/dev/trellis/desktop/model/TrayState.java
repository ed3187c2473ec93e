package dev.trellis.desktop.model;

/** The one state the tray icon shows; each has its own icon. */
public enum TrayState {
    /** trellisd is not running (no socket, or nobody listens). */
    UNREACHABLE("Trellis is not running"),
    /** The daemon needs a login (or an admin's approval of this device). */
    NEEDS_LOGIN("Logged out"),
    /** Starting, or the app has not heard from the daemon yet. */
    CONNECTING("Connecting"),
    /** Running, nothing to worry about. */
    CONNECTED("Connected"),
    /** Running, with something to look at: a key expiring soon, a peer only relayed, a health problem. */
    WARNING("Connected, with warnings"),
    /** Logged in, but the user disconnected. */
    STOPPED("Disconnected"),
    /** The daemon refused this user, is used by another user, or answered nonsense. */
    ERROR("Error");

    private final String label;

    TrayState(String label) {
        this.label = label;
    }

    /** A short human name of the state, e.g. "Connected". */
    public String label() {
        return label;
    }
}
