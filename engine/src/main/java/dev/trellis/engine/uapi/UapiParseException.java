package dev.trellis.engine.uapi;

import dev.trellis.engine.wg.ConfigException;

/**
 * A UAPI request was refused before anything was applied. {@link #errno()} is the positive errno
 * (the server sends it negated, {@code errno=-22}, as wireguard-go does and {@code wg} expects).
 * Messages name the line and key but never echo key material.
 */
public final class UapiParseException extends Exception {
    private final int errno;

    UapiParseException(int errno, String message) {
        super(message);
        this.errno = errno;
    }

    static UapiParseException invalid(String message) {
        return new UapiParseException(ConfigException.EINVAL, message);
    }

    static UapiParseException protocol(String message) {
        return new UapiParseException(ConfigException.EPROTO, message);
    }

    /** {@link ConfigException#EINVAL} for bad keys and values, {@link ConfigException#EPROTO} for bad framing. */
    public int errno() {
        return errno;
    }
}
