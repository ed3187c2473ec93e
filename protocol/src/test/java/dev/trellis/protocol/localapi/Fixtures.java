package dev.trellis.protocol.localapi;

import dev.trellis.protocol.key.NodePublicKey;
import dev.trellis.protocol.net.IpLiterals;
import dev.trellis.protocol.net.IpPrefix;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Sample values shared by the JSON tests; their JSON is written out by hand in each test. */
final class Fixtures {
    private Fixtures() {}

    static final String SELF_HEX = "11".repeat(32);
    static final String PEER_HEX = "22".repeat(32);
    static final NodePublicKey SELF_KEY = NodePublicKey.fromHex(SELF_HEX);
    static final NodePublicKey PEER_KEY = NodePublicKey.fromHex(PEER_HEX);
    static final Instant CREATED = Instant.parse("2026-11-20T08:00:00Z");
    static final Instant HANDSHAKE = Instant.parse("2026-11-25T18:59:57Z");
    static final Instant EXPIRY = Instant.parse("2027-05-24T08:00:00Z");

    static InetAddress ip(String s) {
        return IpLiterals.toInetAddress(IpLiterals.parseAddress(s));
    }

    static PeerStatus self() {
        return new PeerStatus("nSELF", 1, SELF_KEY, "laptop", "laptop.alice.trellis.internal.", "linux", 7,
                List.of(ip("100.64.0.1"), ip("fd7a:115c:a1e0::1")), List.of(), List.of(), List.of(),
                null, null, 0, 0, CREATED, null, null, null, true, false, false, EXPIRY);
    }

    static PeerStatus peer() {
        return new PeerStatus("nPEER", 2, PEER_KEY, "server", "server.alice.trellis.internal.", "linux", 7,
                List.of(ip("100.64.0.2"), ip("fd7a:115c:a1e0::2")),
                List.of(IpPrefix.parse("100.64.0.2/32"), IpPrefix.parse("fd7a:115c:a1e0::2/128")),
                List.of("tag:server"), List.of("198.18.0.2:41641"), "198.18.0.2:41641", "lon",
                1536, 2048, CREATED, HANDSHAKE, null, HANDSHAKE, true, true, false, null);
    }

    static Status status() {
        return new Status("0.1.0", true, BackendState.RUNNING, true, null,
                List.of(ip("100.64.0.1"), ip("fd7a:115c:a1e0::1")), self(),
                List.of("no relay connection"), "alice.trellis.internal",
                new TailnetStatus("alice@example.com", "alice.trellis.internal", true),
                Map.of(PEER_KEY, peer()),
                Map.of(7L, new UserProfile(7, "alice@example.com", "Alice", null)));
    }
}
