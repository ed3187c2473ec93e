package dev.trellis.protocol.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.net.IpPrefix;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The spliced encoding must be byte for byte what the codec writes for the same message. */
class PreparedMapResponseTest {
    private static final Instant T = Instant.parse("2026-11-25T19:00:00.123456789Z");

    private static Node node(long id, Random r) {
        boolean rich = r.nextBoolean();
        return new Node(id, "s" + id, "host-" + id, 1 + r.nextInt(3), NodePrivateKey.generate().publicKey(),
                rich ? T.plusSeconds(r.nextInt(1000)) : null, rich ? "discokey:" + id : null,
                List.of(IpPrefix.parse("100.64.0." + (id % 250) + "/32"), IpPrefix.parse("fd7a:115c:a1e0::" + id + "/128")),
                List.of(IpPrefix.parse("100.64.0." + (id % 250) + "/32")),
                rich ? List.of("198.18.0.1:41641", "[fd00::1]:41641") : List.of(), rich ? 3 : null,
                rich ? new Hostinfo("höst-" + id, "linux", "6.1 \"quoted\"", null) : null, T,
                rich ? null : T.minusSeconds(60), rich ? Boolean.TRUE : null,
                rich ? List.of("tag:server") : List.of(), r.nextInt(5) == 0);
    }

    private static List<EncodedNode> encoded(List<Node> nodes) {
        return nodes.stream().map(EncodedNode::of).toList();
    }

    private static void assertSameBytes(PreparedMapResponse prepared) throws Exception {
        byte[] plain = ControlCodec.encode(prepared.toResponse());
        assertThat(new String(prepared.encode(), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(new String(plain, java.nio.charset.StandardCharsets.UTF_8));
        assertThat(prepared.encode()).isEqualTo(plain);
        assertThat(ControlCodec.decode(prepared.encode())).isEqualTo(prepared.toResponse());
    }

    @Test
    void aFullMapIsByteIdenticalToTheCodecs() throws Exception {
        Random r = new Random(1);
        List<Node> peers = new ArrayList<>();
        for (int i = 2; i < 40; i++) {
            peers.add(node(i, r));
        }
        assertSameBytes(new PreparedMapResponse(7, 1, false, EncodedNode.of(node(1, r)), encoded(peers), null, null,
                null, FilterRule.ALLOW_ALL, new DnsConfig("trellis.test", List.of("1.1.1.1"), null),
                List.of(new UserProfile(1, "alice", "Alice"), new UserProfile(2, "bob@example.com", "Bob \"B\"")), T, null));
    }

    @Test
    void anEmptyFullMapKeepsItsEmptyPeerList() throws Exception {
        assertSameBytes(new PreparedMapResponse(1, 1, false, EncodedNode.of(node(1, new Random(2))), List.of(), null,
                null, null, List.of(), new DnsConfig("d", null, null), List.of(), T, null));
    }

    @Test
    void everyShapeOfDeltaIsByteIdentical() throws Exception {
        Random r = new Random(3);
        for (int i = 0; i < 200; i++) {
            EncodedNode self = r.nextBoolean() ? EncodedNode.of(node(1, r)) : null;
            List<EncodedNode> changed = r.nextBoolean() ? encoded(List.of(node(10 + i, r), node(500 + i, r))) : null;
            List<Long> removed = r.nextBoolean() ? List.of((long) i, 99L) : null;
            List<PeerChange> patches = r.nextBoolean()
                    ? List.of(PeerChange.online(3, r.nextBoolean(), r.nextBoolean() ? T : null),
                            new PeerChange(4, null, null, List.of("198.18.0.4:1"), null, null, "discokey:x", 2))
                    : null;
            List<FilterRule> filter = r.nextBoolean() ? FilterRule.ALLOW_ALL : null;
            DnsConfig dns = r.nextBoolean() ? new DnsConfig("x.test", null, List.of("x.test")) : null;
            List<UserProfile> users = r.nextBoolean() ? List.of(new UserProfile(3, "carol", "Carol")) : null;
            assertSameBytes(new PreparedMapResponse(r.nextLong(), r.nextLong(1, Long.MAX_VALUE), false, self, null,
                    changed, removed, patches, filter, dns, users, r.nextBoolean() ? T : null, null));
        }
    }

    @Test
    void aKeepAliveIsByteIdentical() throws Exception {
        assertSameBytes(PreparedMapResponse.keepAlive(5, 9, T));
    }

    @Test
    void aNodeIsEncodedOnceHoweverOftenItIsSent() {
        EncodedNode n = EncodedNode.of(node(1, new Random(4)));
        byte[] first = n.json();
        new PreparedMapResponse(1, 2, false, null, null, List.of(n), null, null, null, null, null, T, null).encode();
        assertThat(n.json()).isSameAs(first);
    }
}
