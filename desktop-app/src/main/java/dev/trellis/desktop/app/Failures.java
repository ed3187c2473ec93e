package dev.trellis.desktop.app;

import dev.trellis.desktop.model.DaemonSnapshot;
import dev.trellis.desktop.model.DaemonSnapshot.Reach;
import dev.trellis.protocol.localapi.client.DaemonNotRunningException;
import dev.trellis.protocol.localapi.client.LocalApiErrorException;
import dev.trellis.protocol.localapi.client.LocalApiException;
import dev.trellis.protocol.localapi.client.LocalApiTimeoutException;
import dev.trellis.protocol.localapi.client.PermissionDeniedException;
import java.time.Instant;

/** What a LocalAPI failure means to the user, and what they can do about it. */
public final class Failures {
    /** How the daemon is started where it is a system service. */
    public static final String START_HINT = "Start it: sudo systemctl start trellisd";

    private Failures() {}

    /** The snapshot for a failed status request. */
    public static DaemonSnapshot snapshot(LocalApiException e, Instant at) {
        return switch (e) {
            case DaemonNotRunningException d -> DaemonSnapshot.failed(Reach.UNREACHABLE, d.situation(), START_HINT, at);
            case PermissionDeniedException p -> DaemonSnapshot.failed(Reach.DENIED, p.getMessage(), joinHint(p), at);
            case LocalApiTimeoutException t -> DaemonSnapshot.failed(Reach.FAILED, t.getMessage(),
                    "trellisd is running but does not answer: look at its log (journalctl -u trellisd)", at);
            case LocalApiErrorException a when a.status() == 404 -> DaemonSnapshot.failed(Reach.FAILED,
                    "trellisd does not know " + a.path(), "Update trellisd: it is older than this app", at);
            default -> DaemonSnapshot.failed(Reach.FAILED, e.getMessage(),
                    "If this persists, restart trellisd (sudo systemctl restart trellisd)", at);
        };
    }

    /** One line for a failed action, e.g. in the window's banner or a notification. */
    public static String actionMessage(String what, LocalApiException e) {
        return switch (e) {
            case DaemonNotRunningException d -> "Could not " + what + ": " + d.situation() + ". " + START_HINT;
            case PermissionDeniedException p -> "Could not " + what + ": " + p.getMessage() + ". " + joinHint(p);
            default -> "Could not " + what + ": " + e.getMessage();
        };
    }

    static String joinHint(PermissionDeniedException p) {
        return p.group() != null
                ? "Join the group " + p.group() + " (sudo usermod -aG " + p.group()
                        + " $USER), then log out of the desktop and back in"
                : "Ask an administrator to start trellisd with --socket-group GROUP and add you to GROUP";
    }
}
