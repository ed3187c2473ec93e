package dev.trellis.engine.wgcfg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.engine.controlclient.NetMap;
import dev.trellis.engine.wg.DeviceUpdate;
import dev.trellis.engine.wg.PeerUpdate;
import dev.trellis.protocol.control.DnsConfig;
import dev.trellis.protocol.control.MapResponse;
import dev.trellis.protocol.control.Node;
import dev.trellis.protocol.control.PeerChange;
import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.key.NodePublicKey;
import dev.trellis.protocol.net.IpPrefix;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WgConfigTest {
    private static final Instant NOW = Instant.parse("2026-11-25T20:00:00Z");
    private final NodePublicKey[] keys = new NodePublicKey[6];

    {
        for (int i = 0; i < keys.length; i++) {
            keys[i] = NodePrivateKey.generate().publicKey();
        }
    }

    Node node(int id, List<String> endpoints, Instant expiry) {
        IpPrefix addr = IpPrefix.parse("100.64.0." + id + "/32");
        return new Node(id, "s" + id, "n" + id, 1, keys[id], expiry, null, List.of(addr), List.of(addr),
                endpoints, null, null, NOW, null, true, List.of(), false);
    }

    NetMap map(Node... peers) {
        return NetMap.of(new MapResponse(1, 1, false, node(0, List.of(), null), List.of(peers), null, null, null,
                List.of(), new DnsConfig("t", null, null), List.of(), NOW, null));
    }

    @Test
    void peersGetAddressesAndTheFirstNumericEndpoint() {
        WgConfig c = WgConfig.from(map(node(1, List.of("not-an-endpoint", "198.18.0.1:41641"), null)), NOW);
        WgConfig.Peer p = c.peers().get(keys[1]);
        assertThat(p.allowedIps()).containsExactly(IpPrefix.parse("100.64.0.1/32"));
        assertThat(p.endpoint()).contains(new InetSocketAddress("198.18.0.1", 41641));
    }

    @Test
    void expiredPeersAreLeftOut() {
        WgConfig c = WgConfig.from(map(node(1, List.of(), NOW), node(2, List.of(), NOW.plusSeconds(1))), NOW);
        assertThat(c.peers()).containsOnlyKeys(keys[2]);
    }

    @Test
    void diffAddsRemovesAndKeepsRoamedEndpoints() {
        WgConfig before = WgConfig.from(map(node(1, List.of("198.18.0.1:1"), null), node(2, List.of("198.18.0.2:2"), null)), NOW);
        DeviceUpdate first = before.diffFrom(WgConfig.EMPTY);
        assertThat(first.peers()).extracting(PeerUpdate::publicKey).containsExactly(keys[1], keys[2]);

        NetMap next = map(node(1, List.of("198.18.0.1:1"), null), node(2, List.of("198.18.0.2:2"), null))
                .apply(new MapResponse(1, 2, false, null, null, List.of(node(3, List.of(), null)), List.of(1L),
                        List.of(new PeerChange(2, false, NOW, null, null, null, null, null)), null, null, null, NOW, null));
        WgConfig after = WgConfig.from(next, NOW);
        DeviceUpdate diff = after.diffFrom(before);
        assertThat(diff.replacePeers()).isFalse();
        assertThat(diff.peers()).hasSize(2);
        assertThat(diff.peers().get(0)).satisfies(u -> {
            assertThat(u.publicKey()).isEqualTo(keys[1]);
            assertThat(u.remove()).isTrue();
        });
        assertThat(diff.peers().get(1)).satisfies(u -> {
            assertThat(u.publicKey()).isEqualTo(keys[3]);
            assertThat(u.endpoint()).isEmpty();
            assertThat(u.allowedIps()).containsExactly(IpPrefix.parse("100.64.0.3/32"));
        });
        // node 2 only went offline: nothing to tell WireGuard, its endpoint (maybe roamed) stays
        assertThat(after.diffFrom(after).peers()).isEmpty();
        WgConfig moved = WgConfig.from(next.apply(new MapResponse(1, 3, false, null, null, null, null,
                List.of(new PeerChange(2, null, null, List.of("198.18.0.9:9"), null, null, null, null)), null, null, null, NOW, null)), NOW);
        assertThat(moved.diffFrom(after).peers()).singleElement().satisfies(u -> {
            assertThat(u.endpoint()).isEqualTo(Optional.of(new InetSocketAddress("198.18.0.9", 9)));
            assertThat(u.replaceAllowedIps()).isFalse();
        });
    }
}
