package dev.trellis.coordinator.store;

/**
 * The operation would break a uniqueness or ownership rule: a user name or (provider, subject)
 * already exists, a node name is taken, a node key belongs to another machine, a user still owns
 * nodes.
 */
public class StoreConflictException extends StoreException {
    public StoreConflictException(String message) {
        super(message);
    }

    public StoreConflictException(String message, Throwable cause) {
        super(message, cause);
    }
}
