package dev.trellis.coordinator.store;

/** The row an operation refers to (by id) does not exist, for example because it was deleted. */
public class StoreNotFoundException extends StoreException {
    public StoreNotFoundException(String message) {
        super(message);
    }
}
