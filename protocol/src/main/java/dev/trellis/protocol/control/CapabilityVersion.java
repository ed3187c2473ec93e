package dev.trellis.protocol.control;

/**
 * The control protocol's capability version: a node sends the version it speaks in every
 * request, and the coordinator answers in the newest form that version understands. Add a line
 * below for every change to a message's meaning; a field that only gets added needs no bump,
 * because both sides ignore fields they do not know.
 *
 * <ul>
 *   <li>1 (2026-11-25): register, map stream with full map then deltas, endpoint updates,
 *       keep-alives, logout.
 * </ul>
 */
public final class CapabilityVersion {
    /** The version this build speaks. */
    public static final int CURRENT = 1;
    /** The oldest version a coordinator of this build still serves. */
    public static final int MINIMUM = 1;

    private CapabilityVersion() {}

    public static boolean supported(int version) {
        return version >= MINIMUM && version <= CURRENT;
    }
}
