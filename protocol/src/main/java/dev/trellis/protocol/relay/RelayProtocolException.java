package dev.trellis.protocol.relay;

import java.io.IOException;

/** The peer broke the relay protocol: a malformed, oversized or unexpected frame, or a failed proof. */
public final class RelayProtocolException extends IOException {
    public RelayProtocolException(String message) {
        super(message);
    }

    public RelayProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
