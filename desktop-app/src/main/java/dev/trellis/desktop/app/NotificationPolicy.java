package dev.trellis.desktop.app;

import dev.trellis.desktop.model.Notice;
import dev.trellis.desktop.model.AppView;
import dev.trellis.desktop.model.Formats;
import dev.trellis.desktop.model.TrayState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Which changes deserve a desktop notification: login needed, connected, disconnected, and this
 * device's key expiring within a week. Transitions only, never the same news twice in a row: the
 * first view after start-up tells only what needs the user (a login, an expiring key), not that
 * things are as they were. Not thread-safe; the app calls it from one thread.
 */
public final class NotificationPolicy {
    private TrayState last;
    private Instant warnedExpiry;

    /** The notifications that going to {@code v} deserves. */
    public List<Notice> next(AppView v, Instant now) {
        List<Notice> out = new ArrayList<>();
        TrayState before = last;
        TrayState after = v.state();
        if (after == TrayState.CONNECTING) {
            return out; // in between (or not known yet): the state after it tells
        }
        last = after;
        boolean wasUp = before == TrayState.CONNECTED || before == TrayState.WARNING;
        boolean isUp = after == TrayState.CONNECTED || after == TrayState.WARNING;
        if (after == TrayState.NEEDS_LOGIN && before != TrayState.NEEDS_LOGIN) {
            out.add(new Notice(Notice.Kind.LOGIN_NEEDED, "Trellis: log in",
                    "Log in to join your network: choose Log in… in the Trellis window or tray menu."));
        } else if (isUp && !wasUp && before != null) {
            String where = v.self() != null && v.self().primaryAddress() != null
                    ? "This device is " + v.self().name() + " (" + v.self().primaryAddress() + ")." : "";
            out.add(new Notice(Notice.Kind.CONNECTED, "Trellis: connected", where));
        } else if (wasUp && (after == TrayState.STOPPED || after == TrayState.UNREACHABLE)) {
            out.add(new Notice(Notice.Kind.DISCONNECTED, "Trellis: disconnected",
                    after == TrayState.UNREACHABLE ? "trellisd stopped; your devices are out of reach."
                            : "Your devices are out of reach until you connect again."));
        }
        if (v.keyExpiresSoon() && v.self() != null && v.self().keyExpiry() != null
                && !v.self().keyExpiry().equals(warnedExpiry)) {
            warnedExpiry = v.self().keyExpiry();
            Duration left = Duration.between(now, warnedExpiry);
            out.add(new Notice(Notice.Kind.KEY_EXPIRING, "Trellis: log in again soon",
                    left.isNegative() ? "This device's key has expired: log in again to reconnect."
                            : "This device's key expires in " + Formats.duration(left)
                                    + ". Log in again before then to stay connected."));
        }
        return out;
    }
}
