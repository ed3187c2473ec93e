package dev.trellis.coordinator.cluster;

/** A change bus could not start: its database could not be reached or refused to listen. */
public final class ChangeBusException extends RuntimeException {
    ChangeBusException(String message, Throwable cause) {
        super(message, cause);
    }
}
