package dev.trellis.desktop.model;

import dev.trellis.protocol.localapi.Prefs;
import dev.trellis.protocol.localapi.Status;
import java.time.Instant;
import java.util.Objects;

/**
 * What the app last learned from trellisd, at {@code at}.
 *
 * @param reach whether the daemon answered, and if not why
 * @param problem what went wrong, in words for people (null when {@code reach} is {@link Reach#OK}
 *     or {@link Reach#LOADING})
 * @param fix what the user can do about it (null when there is nothing to do)
 * @param status the last status (null until the daemon answered once; kept while reconnecting
 *     only for the window's "last known" view)
 * @param prefs the last prefs (null until known)
 */
public record DaemonSnapshot(Reach reach, String problem, String fix, Status status, Prefs prefs, Instant at) {

    public enum Reach {
        /** The app has not heard from the daemon yet. */
        LOADING,
        /** No daemon: no socket, or nobody listens on it. */
        UNREACHABLE,
        /** The socket or the daemon refused this user. */
        DENIED,
        /** The daemon answered with something this app can't use (an error, bad JSON). */
        FAILED,
        /** The daemon answered; {@code status} is current. */
        OK
    }

    public DaemonSnapshot {
        Objects.requireNonNull(reach, "reach");
        Objects.requireNonNull(at, "at");
        if (reach == Reach.OK) {
            Objects.requireNonNull(status, "status");
        }
    }

    public static DaemonSnapshot loading(Instant at) {
        return new DaemonSnapshot(Reach.LOADING, null, null, null, null, at);
    }

    public static DaemonSnapshot ok(Status status, Prefs prefs, Instant at) {
        return new DaemonSnapshot(Reach.OK, null, null, status, prefs, at);
    }

    public static DaemonSnapshot failed(Reach reach, String problem, String fix, Instant at) {
        return new DaemonSnapshot(reach, problem, fix, null, null, at);
    }
}
