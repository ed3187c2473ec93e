package dev.trellis.desktop.testing;

import dev.trellis.desktop.model.AppView;
import dev.trellis.desktop.model.DaemonSnapshot;
import dev.trellis.desktop.model.DaemonSnapshot.Reach;
import dev.trellis.protocol.key.NodePublicKey;
import dev.trellis.protocol.localapi.BackendState;
import dev.trellis.protocol.localapi.PeerStatus;
import dev.trellis.protocol.localapi.Prefs;
import dev.trellis.protocol.localapi.Status;
import dev.trellis.protocol.localapi.TailnetStatus;
import dev.trellis.protocol.localapi.UserProfile;
import dev.trellis.protocol.net.IpLiterals;
import java.net.InetAddress;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small network for the desktop app's tests, in every state the app shows. This device is
 * "laptop" (alice); "server" (alice) is direct, "nas" (alice) relayed with a reason, "phone" (bob)
 * offline, "ci-runner" is tagged.
 */
public final class Fixtures {
    public static final Instant NOW = Instant.parse("2026-11-25T19:00:00Z");
    public static final String CONTROL_URL = "https://login.example.test";
    public static final NodePublicKey SELF = NodePublicKey.fromHex("11".repeat(32));
    public static final NodePublicKey SERVER = NodePublicKey.fromHex("22".repeat(32));
    public static final NodePublicKey PHONE = NodePublicKey.fromHex("33".repeat(32));
    public static final NodePublicKey NAS = NodePublicKey.fromHex("44".repeat(32));
    public static final NodePublicKey RUNNER = NodePublicKey.fromHex("55".repeat(32));

    /** Every state of the tray, by name, for tests and screenshots that cover them all. */
    public enum Scenario {
        UNREACHABLE, DENIED, LOADING, LOGGED_OUT, CONNECTING, CONNECTED, WARNING, STOPPED, ERROR, NO_PEERS
    }

    private Fixtures() {}

    public static InetAddress ip(String s) {
        return IpLiterals.toInetAddress(IpLiterals.parseAddress(s));
    }

    public static PeerStatus node(NodePublicKey key, String host, long user, List<String> ips, String curAddr,
            String relay, long rx, long tx, boolean online, boolean active, double latency, String reason) {
        return new PeerStatus("n-" + host, key.hashCode() & 0xff, key, host, host + ".alice.trellis.internal.",
                host.equals("phone") ? "android" : "linux", user, ips.stream().map(Fixtures::ip).toList(), List.of(),
                user == 0 ? List.of("tag:ci") : List.of(), List.of(), curAddr, relay, rx, tx, NOW.minusSeconds(86400),
                null, online ? NOW : NOW.minusSeconds(7200), online ? NOW.minusSeconds(20) : null, online, active,
                false, NOW.plusSeconds(180L * 86400), latency, reason);
    }

    public static PeerStatus self(Instant keyExpiry) {
        return new PeerStatus("n-laptop", 1, SELF, "laptop", "laptop.alice.trellis.internal.", "linux", 7,
                List.of(ip("100.64.0.1"), ip("fd7a:115c:a1e0::1")), List.of(), List.of(), List.of(), null, "lab1",
                0, 0, NOW.minusSeconds(86400), null, NOW, null, true, false, false, keyExpiry);
    }

    public static Map<NodePublicKey, PeerStatus> peers() {
        Map<NodePublicKey, PeerStatus> m = new LinkedHashMap<>();
        m.put(SERVER, node(SERVER, "server", 7, List.of("100.64.0.2", "fd7a:115c:a1e0::2"), "198.18.0.2:41641",
                "lab1", 1536, 3 * 1024 * 1024, true, true, 0.0014, null));
        m.put(NAS, node(NAS, "nas", 7, List.of("100.64.0.4", "fd7a:115c:a1e0::4"), null, "lab1", 80_000, 20_000,
                true, true, 0.023, "no pong from 2 of its endpoints (behind a hard NAT?)"));
        m.put(PHONE, node(PHONE, "phone", 8, List.of("100.64.0.3", "fd7a:115c:a1e0::3"), null, null, 0, 512,
                false, false, 0, null));
        m.put(RUNNER, node(RUNNER, "ci-runner", 0, List.of("100.64.0.5", "fd7a:115c:a1e0::5"), "198.18.0.5:41641",
                "lab1", 5_000_000, 1_000_000, true, false, 0.0031, null));
        return m;
    }

    public static Map<Long, UserProfile> users() {
        return Map.of(7L, new UserProfile(7, "alice@example.com", "Alice Example", null),
                8L, new UserProfile(8, "bob@example.com", "Bob Example", null));
    }

    public static Status status(BackendState state, PeerStatus self, Map<NodePublicKey, PeerStatus> peers,
            List<String> health) {
        List<InetAddress> ips = self == null ? List.of() : self.tailscaleIps();
        return new Status("0.1.0", true, state, self != null, null, ips, self, health, "alice.trellis.internal",
                new TailnetStatus("alice@example.com", "alice.trellis.internal", true), peers, users());
    }

    public static Prefs prefs(boolean wantRunning) {
        return Prefs.builder().controlUrl(CONTROL_URL).wantRunning(wantRunning).corpDns(true).loggedOut(false).build();
    }

    /** Everything running, no warnings: server direct, nas relayed but idle, phone offline. */
    public static Status running() {
        Map<NodePublicKey, PeerStatus> p = peers();
        p.put(NAS, node(NAS, "nas", 7, List.of("100.64.0.4", "fd7a:115c:a1e0::4"), null, "lab1", 80_000, 20_000,
                true, false, 0.023, null));
        return status(BackendState.RUNNING, self(NOW.plusSeconds(90L * 86400)), p, List.of());
    }

    public static DaemonSnapshot snapshot(Scenario s) {
        return switch (s) {
            case LOADING -> DaemonSnapshot.loading(NOW);
            case UNREACHABLE -> DaemonSnapshot.failed(Reach.UNREACHABLE,
                    "trellisd is not running (no socket at /var/run/trellis/trellisd.sock)",
                    "Start it: sudo systemctl start trellisd", NOW);
            case DENIED -> DaemonSnapshot.failed(Reach.DENIED,
                    "permission denied (cannot open /var/run/trellis/trellisd.sock)",
                    "Join the group trellis (sudo usermod -aG trellis $USER), then log in again", NOW);
            case ERROR -> DaemonSnapshot.failed(Reach.FAILED,
                    "trellisd sent a malformed reply to /localapi/v0/status",
                    "Update Trellis so that the app and trellisd match", NOW);
            case LOGGED_OUT -> DaemonSnapshot.ok(status(BackendState.NEEDS_LOGIN, null, Map.of(), List.of()),
                    Prefs.builder().controlUrl(CONTROL_URL).wantRunning(false).loggedOut(true).build(), NOW);
            case CONNECTING -> DaemonSnapshot.ok(status(BackendState.STARTING, self(NOW.plusSeconds(90L * 86400)),
                    Map.of(), List.of()), prefs(true), NOW);
            case CONNECTED -> DaemonSnapshot.ok(running(), prefs(true), NOW);
            case WARNING -> DaemonSnapshot.ok(status(BackendState.RUNNING, self(NOW.plusSeconds(3L * 86400)), peers(),
                    List.of()), prefs(true), NOW);
            case STOPPED -> DaemonSnapshot.ok(status(BackendState.STOPPED, self(NOW.plusSeconds(90L * 86400)),
                    peers(), List.of()), prefs(false), NOW);
            case NO_PEERS -> DaemonSnapshot.ok(status(BackendState.RUNNING, self(NOW.plusSeconds(90L * 86400)),
                    Map.of(), List.of()), prefs(true), NOW);
        };
    }

    public static AppView view(Scenario s) {
        return AppView.of(snapshot(s), NOW);
    }
}
