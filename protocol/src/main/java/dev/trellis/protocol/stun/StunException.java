package dev.trellis.protocol.stun;

/** A datagram that is not a well-formed STUN message, or lacks what the caller needed from it. */
public final class StunException extends Exception {
    public StunException(String message) {
        super(message);
    }
}
