package dev.trellis.protocol.localapi.client;

/**
 * The caller may not use the socket (EACCES on connect) or this request (HTTP 403).
 */
public final class PermissionDeniedException extends LocalApiException {
    private static final long serialVersionUID = 1L;

    private final String group;

    /**
     * @param detail what was denied, in the daemon's or the OS's words
     * @param group the OS group whose members may, or null when unknown
     */
    public PermissionDeniedException(String detail, String group) {
        super(detail, null);
        this.group = group;
    }

    /** The OS group whose members may use the daemon, or null when unknown. */
    public String group() {
        return group;
    }
}
