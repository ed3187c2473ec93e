package dev.trellis.protocol.localapi;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The node's state, numbered and named exactly as Tailscale's {@code ipn.State}. Two JSON forms
 * exist and both are Tailscale's: {@link Status#backendState()} carries the name
 * ({@code "Running"}), {@link Notify#state()} the number ({@code 6}). Declaration order is the
 * number: never reorder or insert.
 */
public enum BackendState {
    /** No session has been started since the daemon came up. */
    NO_STATE("NoState"),
    /** Another OS user owns the session (Tailscale uses it on Windows; Trellis never sends it). */
    IN_USE_OTHER_USER("InUseOtherUser"),
    /** The node has no valid login: interactive login or an auth key is needed. */
    NEEDS_LOGIN("NeedsLogin"),
    /** Logged in, but an administrator must approve the node on the coordinator. */
    NEEDS_MACHINE_AUTH("NeedsMachineAuth"),
    /** Logged in, but the user asked for the tunnel to be down ({@code WantRunning=false}). */
    STOPPED("Stopped"),
    /** Logged in and bringing the tunnel up (waiting for the first map). */
    STARTING("Starting"),
    /** The tunnel is up. */
    RUNNING("Running");

    private static final BackendState[] BY_NUMBER = values();

    private final String tailscaleName;

    BackendState(String tailscaleName) {
        this.tailscaleName = tailscaleName;
    }

    /** Tailscale's number for the state: 0 for NoState … 6 for Running. */
    public int number() {
        return ordinal();
    }

    /** Tailscale's name for the state, e.g. {@code "NeedsLogin"}; the default JSON form. */
    @JsonValue
    public String tailscaleName() {
        return tailscaleName;
    }

    /** The state numbered {@code n}; an unknown number is an error, never a guess. */
    public static BackendState fromNumber(long n) {
        if (n < 0 || n >= BY_NUMBER.length) {
            throw new IllegalArgumentException("unknown backend state number " + n
                    + " (known: 0-" + (BY_NUMBER.length - 1) + ")");
        }
        return BY_NUMBER[(int) n];
    }

    /** The state named {@code name} (Tailscale's spelling, case-sensitive). */
    public static BackendState fromTailscaleName(String name) {
        for (BackendState s : BY_NUMBER) {
            if (s.tailscaleName.equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown backend state '" + name + "'");
    }
}
