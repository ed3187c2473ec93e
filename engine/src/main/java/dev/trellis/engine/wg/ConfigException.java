package dev.trellis.engine.wg;

/**
 * A configuration change was refused. {@link #errno()} is the positive errno value that UAPI
 * reports back ({@code errno=N}), as wireguard-go does: EINVAL for bad values, EADDRINUSE when
 * the port is taken, EIO for other failures.
 */
public final class ConfigException extends Exception {
    public static final int EIO = 5;
    public static final int EINVAL = 22;
    public static final int EADDRINUSE = 98;
    public static final int EPROTO = 71;

    private final int errno;

    public ConfigException(int errno, String message) {
        super(message);
        this.errno = errno;
    }

    public ConfigException(int errno, String message, Throwable cause) {
        super(message, cause);
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
