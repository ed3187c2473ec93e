package dev.trellis.desktop.tray.sni;

/** The StatusNotifierItem could not be shown: the message says what failed, in words for the app's banner. */
public final class SniException extends Exception {
    public SniException(String message) {
        super(message);
    }

    public SniException(String message, Throwable cause) {
        super(message, cause);
    }
}
