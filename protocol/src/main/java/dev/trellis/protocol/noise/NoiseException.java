package dev.trellis.protocol.noise;

import java.io.IOException;

/**
 * The peer broke the Noise control protocol: a malformed or unauthenticated handshake or record,
 * an oversize length, an exhausted nonce space. The connection it happened on is unusable.
 * Messages never contain key material.
 */
public class NoiseException extends IOException {
    public NoiseException(String message) {
        super(message);
    }

    public NoiseException(String message, Throwable cause) {
        super(message, cause);
    }
}
