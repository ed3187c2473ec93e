package dev.trellis.protocol.control;

import java.io.IOException;

/** A control message that can't be understood: malformed, oversized or out of place. */
public final class ControlProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    public ControlProtocolException(String message) {
        super(message);
    }

    public ControlProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
