package dev.trellis.protocol.noise;

/**
 * A handshake initiation asked for a protocol version the server does not support. The server
 * learns this before doing any public-key work; it should answer with
 * {@link NoiseServer#writeError(java.io.OutputStream, String)} so that the client can say why.
 */
public final class UnsupportedVersionException extends NoiseException {
    private final int version;

    UnsupportedVersionException(int version) {
        super("unsupported control protocol version " + version);
        this.version = version;
    }

    /** The version the client asked for, 0 to 65535. */
    public int version() {
        return version;
    }
}
