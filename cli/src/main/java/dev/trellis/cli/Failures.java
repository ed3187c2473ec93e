package dev.trellis.cli;

import dev.trellis.protocol.localapi.client.DaemonNotRunningException;
import dev.trellis.protocol.localapi.client.LocalApiErrorException;
import dev.trellis.protocol.localapi.client.LocalApiIoException;
import dev.trellis.protocol.localapi.client.LocalApiTimeoutException;
import dev.trellis.protocol.localapi.client.PermissionDeniedException;
import dev.trellis.protocol.localapi.ErrorCode;

/** Turns every failure into its exit code and its one line for stderr. */
final class Failures {
    private Failures() {}

    record Failure(ExitCode code, String message) {}

    static Failure of(Throwable e) {
        return switch (e) {
            case CliException c -> new Failure(c.exitCode(), c.getMessage());
            case DaemonNotRunningException d -> new Failure(ExitCode.DAEMON_NOT_RUNNING, d.getMessage());
            case PermissionDeniedException p -> new Failure(ExitCode.PERMISSION_DENIED, permissionDenied(p));
            case LocalApiErrorException a -> daemonRefused(a);
            case LocalApiTimeoutException t -> new Failure(ExitCode.TIMEOUT, t.getMessage());
            case LocalApiIoException io -> new Failure(ExitCode.ERROR, io.getMessage());
            default -> new Failure(ExitCode.ERROR, "internal error (" + e
                    + "): please report it; set TRELLIS_DEBUG=1 for details");
        };
    }

    static String permissionDenied(PermissionDeniedException p) {
        String fix = p.group() != null
                ? "run as root or join group " + p.group()
                : "run as root (e.g. with sudo)";
        return "permission denied (" + p.getMessage() + "): " + fix;
    }

    private static Failure daemonRefused(LocalApiErrorException a) {
        Failure byCode = forCode(a.code(), a.getMessage());
        if (byCode != null) {
            return byCode;
        }
        if (a.status() == 404) {
            return new Failure(ExitCode.ERROR, "trellisd does not serve " + a.path()
                    + " (HTTP 404): is it older than this trellis? Update trellisd");
        }
        return new Failure(ExitCode.ERROR, "trellisd refused " + a.path() + " (HTTP " + a.status() + "): "
                + a.getMessage());
    }

    /**
     * The failure for a daemon error: an error body's code or a Notify's ErrCode. Unknown or
     * absent codes are generic errors.
     */
    static Failure forDaemonError(String code, String message) {
        Failure byCode = forCode(code, message);
        return byCode != null ? byCode : new Failure(ExitCode.ERROR, "trellisd reported an error: " + message);
    }

    private static Failure forCode(String code, String message) {
        if (code == null) {
            return null;
        }
        return switch (code) {
            case ErrorCode.CONTROL_UNREACHABLE -> new Failure(ExitCode.CONTROL_UNREACHABLE,
                    "cannot reach the login server (" + message
                            + "): check --login-server and the network, then retry");
            case ErrorCode.AUTH_KEY_REFUSED -> new Failure(ExitCode.AUTH_KEY_REFUSED,
                    "auth key refused (" + message
                            + "): create a new key on the coordinator and pass it with --auth-key");
            case ErrorCode.NEEDS_LOGIN -> new Failure(ExitCode.NEEDS_LOGIN,
                    "not logged in (" + message + "): run `trellis up` or `trellis login`");
            case ErrorCode.PERMISSION_DENIED -> new Failure(ExitCode.PERMISSION_DENIED,
                    "permission denied (" + message + "): run as root (e.g. with sudo)");
            case ErrorCode.NOT_FOUND -> new Failure(ExitCode.NOT_FOUND, message);
            default -> null;
        };
    }
}
