package dev.trellis.cli;

/**
 * Every exit status {@code trellis} uses, in one place; scripts may rely on them. A failure
 * prints exactly one line on stderr saying what to do. See cli/README.md for the daemon side of
 * this contract.
 */
public enum ExitCode {
    /** Done. */
    OK(0),
    /** Any failure without a code of its own (e.g. the daemon reported an error without a code). */
    ERROR(1),
    /** Bad command line (picocli's usage code): unknown option, bad value, missing argument. */
    USAGE(2),
    /** trellisd is not running: no socket, connection refused, or it closed the stream. */
    DAEMON_NOT_RUNNING(3),
    /** EACCES on the socket or HTTP 403 from trellisd. */
    PERMISSION_DENIED(4),
    /** trellisd cannot reach the login server (error code {@code control-unreachable}). */
    CONTROL_UNREACHABLE(5),
    /** The login server refused the auth key (error code {@code auth-key-refused}). */
    AUTH_KEY_REFUSED(6),
    /** trellisd did not answer, or did not reach Running within {@code --timeout}. */
    TIMEOUT(7),
    /** The node is logged out or awaits approval (state NeedsLogin/NeedsMachineAuth, code {@code needs-login}). */
    NEEDS_LOGIN(8),
    /** The node is logged in but not up (state Stopped or NoState): run {@code trellis up}. */
    STOPPED(9),
    /** The peer named on the command line does not exist. */
    NOT_FOUND(10);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
