package dev.trellis.coordinator.store;

/**
 * The store could not do what was asked; nothing of that operation was written. Subclasses say
 * why when the caller can act on it. Messages never contain secrets or credentials.
 */
public class StoreException extends RuntimeException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
