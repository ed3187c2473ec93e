package dev.trellis.tun;

import java.io.IOException;

/**
 * An {@link InterfaceConfigurator} request the OS refused, with the refusal classified so that
 * callers can act on it without parsing messages or knowing OS error numbers: for example treat
 * {@link Reason#ALREADY_EXISTS} from an add, or {@link Reason#NOT_FOUND} from a remove, as done.
 */
public final class InterfaceConfigException extends IOException {

    /** Why the OS refused. */
    public enum Reason {
        /** The address, route or interface being added is already there. */
        ALREADY_EXISTS,
        /** The interface, address or route named does not exist. */
        NOT_FOUND,
        /** The process lacks the privilege (on Linux, CAP_NET_ADMIN). */
        NOT_PERMITTED,
        /** Anything else; the message has the OS's own words. */
        OTHER
    }

    private final Reason reason;

    public InterfaceConfigException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
