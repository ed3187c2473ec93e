package dev.trellis.desktop.model;

import dev.trellis.protocol.localapi.BackendState;
import dev.trellis.protocol.localapi.PeerStatus;
import dev.trellis.protocol.localapi.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Everything the tray and the window show, derived from one {@link DaemonSnapshot}.
 *
 * @param state the tray icon's state
 * @param statusLine one line for the top of the menu and the window, e.g. "Connected as alice@example.com"
 * @param tooltip the tray icon's tooltip: the state and this device's address
 * @param fix what the user can do, when something is wrong (null otherwise); for a daemon that
 *     can't be used, the command to run
 * @param backend the daemon's state (null when it did not answer)
 * @param self this device (null until logged in and known)
 * @param peers the other devices, by name
 * @param warnings what {@link TrayState#WARNING} is about, one line each
 * @param keyExpiresSoon this device's key expires within {@link #KEY_EXPIRY_WARNING}
 * @param detail what exactly went wrong, when the daemon could not be used (null otherwise)
 */
public record AppView(TrayState state, String statusLine, String tooltip, String fix, BackendState backend,
        SelfView self, List<PeerView> peers, List<String> warnings, boolean keyExpiresSoon, String detail) {

    /** A key that expires sooner than this is worth a warning and a notification. */
    public static final Duration KEY_EXPIRY_WARNING = Duration.ofDays(7);

    public AppView {
        peers = List.copyOf(peers);
        warnings = List.copyOf(warnings);
    }

    /** Whether Connect (rather than Disconnect) is the thing to offer. */
    public boolean canConnect() {
        return backend == BackendState.STOPPED;
    }

    /** Whether Disconnect is the thing to offer. */
    public boolean canDisconnect() {
        return backend == BackendState.RUNNING || backend == BackendState.STARTING;
    }

    /** Whether a login is what the daemon waits for. */
    public boolean needsLogin() {
        return backend == BackendState.NEEDS_LOGIN;
    }

    public static AppView of(DaemonSnapshot s, Instant now) {
        return switch (s.reach()) {
            case LOADING -> problem(TrayState.CONNECTING, "Contacting trellisd…", null, null);
            case UNREACHABLE -> problem(TrayState.UNREACHABLE, "Trellis is not running",
                    orElse(s.problem(), "trellisd is not running"), s.fix());
            case DENIED -> problem(TrayState.ERROR, "Trellis refused this user",
                    orElse(s.problem(), "permission denied"), s.fix());
            case FAILED -> problem(TrayState.ERROR, "Trellis: error", orElse(s.problem(), "unknown error"), s.fix());
            case OK -> running(s, now);
        };
    }

    private static AppView problem(TrayState state, String line, String detail, String fix) {
        String tooltip = "Trellis: " + line + (detail != null ? "\n" + detail : "");
        return new AppView(state, line, tooltip, fix != null ? fix : detail, null, null, List.of(), List.of(), false,
                detail);
    }

    private static String orElse(String a, String b) {
        return a != null && !a.isBlank() ? a : b;
    }

    private static AppView running(DaemonSnapshot s, Instant now) {
        Status st = s.status();
        BackendState b = st.backendState();
        SelfView self = selfOf(st, s);
        List<PeerView> peers = new ArrayList<>();
        for (PeerStatus p : st.peer().values()) {
            peers.add(PeerView.of(p, st.user()));
        }
        peers.sort(Comparator.comparing(PeerView::name, String.CASE_INSENSITIVE_ORDER).thenComparing(PeerView::key));

        List<String> warnings = new ArrayList<>();
        boolean expiresSoon = false;
        if (self != null && self.keyExpiry() != null) {
            Duration left = Duration.between(now, self.keyExpiry());
            if (left.compareTo(KEY_EXPIRY_WARNING) < 0) {
                expiresSoon = true;
                warnings.add(left.isNegative() ? "This device's key has expired: log in again"
                        : "This device's key expires in " + Formats.duration(left) + ": log in again to renew it");
            }
        }
        for (PeerView p : b == BackendState.RUNNING ? peers : List.<PeerView>of()) {
            if (p.path() == PeerView.PathKind.RELAYED && p.active() && p.relayReason() != null) {
                warnings.add(p.name() + " is only reachable through relay " + p.relay() + ": " + p.relayReason());
            }
        }
        warnings.addAll(st.health());

        String who = self != null && !self.user().isEmpty() ? " as " + self.user() : "";
        String address = self != null && self.primaryAddress() != null ? self.primaryAddress() : null;
        TrayState state;
        String line;
        String fix = null;
        switch (b) {
            case RUNNING -> {
                state = warnings.isEmpty() ? TrayState.CONNECTED : TrayState.WARNING;
                line = "Connected" + who;
            }
            case STARTING, NO_STATE -> {
                state = TrayState.CONNECTING;
                line = "Connecting…";
            }
            case STOPPED -> {
                state = TrayState.STOPPED;
                line = "Disconnected";
                fix = "Connect to reach your other devices";
            }
            case NEEDS_LOGIN -> {
                state = TrayState.NEEDS_LOGIN;
                line = "Logged out";
                fix = "Log in to join your network";
            }
            case NEEDS_MACHINE_AUTH -> {
                state = TrayState.NEEDS_LOGIN;
                line = "Waiting for approval";
                fix = "An administrator of your network has to approve this device";
            }
            case IN_USE_OTHER_USER -> {
                state = TrayState.ERROR;
                line = "In use by another user";
                fix = "Another user of this computer is logged in to Trellis; log them out first";
            }
            default -> throw new IllegalStateException("unknown backend state " + b);
        }
        StringBuilder tip = new StringBuilder("Trellis: ").append(state == TrayState.WARNING ? "Connected" : line);
        if (self != null && (b == BackendState.RUNNING || b == BackendState.STARTING)) {
            tip.append("\n").append(self.name());
            if (address != null) {
                tip.append(" · ").append(address);
            }
        }
        if (state == TrayState.WARNING) {
            tip.append("\n").append(warnings.size() == 1 ? warnings.getFirst() : warnings.size() + " warnings");
        }
        return new AppView(state, line, tip.toString(), fix, b, self, peers, warnings, expiresSoon, null);
    }

    private static SelfView selfOf(Status st, DaemonSnapshot s) {
        PeerStatus me = st.self();
        if (me == null) {
            return null;
        }
        PeerView v = PeerView.of(me, st.user());
        List<String> addrs = v.addresses().isEmpty() && !st.tailscaleIps().isEmpty()
                ? st.tailscaleIps().stream().map(a -> dev.trellis.protocol.net.IpLiterals.format(a.getAddress())).toList()
                : v.addresses();
        String server = s.prefs() != null ? s.prefs().controlUrl() : null;
        return new SelfView(v.name(), v.dnsName(), addrs, server, v.user(), v.userDisplayName(), v.os(),
                me.keyExpiry());
    }
}
