package dev.trellis.desktop.tray;

/**
 * A {@link TrayProvider} can't show an icon on this desktop. The message is the reason, in words
 * for people, e.g. "no StatusNotifierWatcher on the session bus".
 */
public final class TrayUnavailableException extends Exception {
    public TrayUnavailableException(String reason) {
        super(reason);
    }

    public TrayUnavailableException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
