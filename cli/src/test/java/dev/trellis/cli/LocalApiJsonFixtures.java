package dev.trellis.cli;

import dev.trellis.protocol.key.NodePublicKey;
import dev.trellis.protocol.localapi.BackendState;
import dev.trellis.protocol.localapi.PeerStatus;
import dev.trellis.protocol.localapi.Status;
import dev.trellis.protocol.localapi.TailnetStatus;
import dev.trellis.protocol.localapi.UserProfile;
import dev.trellis.protocol.net.IpLiterals;
import java.net.InetAddress;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A small network: this node "laptop", peers "server" (direct) and "phone" (offline, relayed). */
final class LocalApiJsonFixtures {
    static final Instant NOW = Instant.parse("2026-11-25T19:00:00Z");
    static final NodePublicKey SELF = NodePublicKey.fromHex("11".repeat(32));
    static final NodePublicKey SERVER = NodePublicKey.fromHex("22".repeat(32));
    static final NodePublicKey PHONE = NodePublicKey.fromHex("33".repeat(32));

    private LocalApiJsonFixtures() {}

    static InetAddress ip(String s) {
        return IpLiterals.toInetAddress(IpLiterals.parseAddress(s));
    }

    static PeerStatus node(NodePublicKey key, String host, long user, List<InetAddress> ips, String curAddr,
            String relay, long rx, long tx, Instant handshake, boolean online) {
        return new PeerStatus("n-" + host, 0, key, host, host + ".alice.trellis.internal.", "linux", user, ips,
                List.of(), List.of(), List.of(), curAddr, relay, rx, tx, null, null, null, handshake, online,
                false, false, null);
    }

    static Status withState(BackendState state, PeerStatus self, Map<NodePublicKey, PeerStatus> peers,
            List<String> health) {
        List<InetAddress> ips = self == null ? List.of() : self.tailscaleIps();
        return new Status("0.1.0", true, state, self != null, null, ips, self, health, "alice.trellis.internal",
                new TailnetStatus("alice@example.com", "alice.trellis.internal", true), peers,
                Map.of(7L, new UserProfile(7, "alice@example.com", "Alice", null),
                        8L, new UserProfile(8, "bob@example.com", "Bob", null)));
    }

    static PeerStatus self() {
        return node(SELF, "laptop", 7, List.of(ip("100.64.0.1"), ip("fd7a:115c:a1e0::1")), null, null, 0, 0,
                null, true);
    }

    static Map<NodePublicKey, PeerStatus> peers() {
        Map<NodePublicKey, PeerStatus> m = new LinkedHashMap<>();
        m.put(SERVER, node(SERVER, "server", 7, List.of(ip("100.64.0.2"), ip("fd7a:115c:a1e0::2")),
                "198.18.0.2:41641", "lon", 1536, 3 * 1024 * 1024, NOW.minusSeconds(3), true));
        m.put(PHONE, node(PHONE, "phone", 8, List.of(ip("100.64.0.3")), null, "fra", 0, 512, null, false));
        return m;
    }

    static Status running() {
        return withState(BackendState.RUNNING, self(), peers(), List.of());
    }

    static Status loggedOut() {
        return new Status("0.1.0", true, BackendState.NEEDS_LOGIN, false, null, List.of(), null, List.of(), null,
                null, Map.of(), Map.of());
    }
}
