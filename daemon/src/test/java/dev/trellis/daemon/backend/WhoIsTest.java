package dev.trellis.daemon.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.engine.controlclient.NetMap;
import dev.trellis.protocol.control.DnsConfig;
import dev.trellis.protocol.control.FilterRule;
import dev.trellis.protocol.control.Hostinfo;
import dev.trellis.protocol.control.Node;
import dev.trellis.protocol.control.UserProfile;
import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.localapi.ErrorCode;
import dev.trellis.protocol.localapi.LocalApiJson;
import dev.trellis.protocol.localapi.WhoIsResponse;
import dev.trellis.protocol.net.IpPrefix;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WhoIsTest {
    private static Node node(long id, String name, long user, String v4, String v6, List<String> tags) {
        return new Node(id, "n" + id, name, user, NodePrivateKey.generate().publicKey(), null, null,
                List.of(IpPrefix.parse(v4 + "/32"), IpPrefix.parse(v6 + "/128")),
                List.of(IpPrefix.parse(v4 + "/32"), IpPrefix.parse(v6 + "/128")), List.of("198.18.0.2:41641"), null,
                new Hostinfo(name, "linux", "6.1", "0.1.0"), Instant.parse("2026-11-01T00:00:00Z"), null, true, tags,
                false);
    }

    private final NetMap map = new NetMap(node(1, "laptop", 7, "100.64.0.1", "fd7a:115c:a1e0::1", List.of()),
            Map.of(2L, node(2, "server", 8, "100.64.0.2", "fd7a:115c:a1e0::2", List.of("tag:server"))),
            FilterRule.ALLOW_ALL, new DnsConfig("trellis.test", null, null),
            Map.of(7L, new UserProfile(7, "alice@example.com", "Alice"), 8L, new UserProfile(8, "bob", "Bob")),
            Instant.now(), null);

    @Test
    void findsPeersAndSelfByAnyAddressForm() {
        assertThat(WhoIs.lookup(map, "100.64.0.2").node().name()).isEqualTo("server.trellis.test.");
        assertThat(WhoIs.lookup(map, "100.64.0.2:22").userProfile().loginName()).isEqualTo("bob");
        assertThat(WhoIs.lookup(map, "[fd7a:115c:a1e0::2]:443").node().id()).isEqualTo(2);
        assertThat(WhoIs.lookup(map, "fd7a:115c:a1e0::2").node().tags()).containsExactly("tag:server");
        assertThat(WhoIs.lookup(map, "100.64.0.1").userProfile().displayName()).isEqualTo("Alice");
    }

    @Test
    void usesTailscaleFieldNames() throws Exception {
        JsonNode json = LocalApiJson.mapper().readTree(LocalApiJson.encode(WhoIs.lookup(map, "100.64.0.2")));
        assertThat(json.fieldNames()).toIterable().containsExactlyInAnyOrder("Node", "UserProfile");
        assertThat(json.get("Node").fieldNames()).toIterable().contains("ID", "StableID", "Name", "User", "Key",
                "Addresses", "AllowedIPs", "Endpoints", "Hostinfo", "Created", "Tags", "Online", "ComputedName");
        assertThat(json.get("UserProfile").fieldNames()).toIterable().contains("ID", "LoginName", "DisplayName");
        assertThat(json.at("/Node/Addresses/0").asText()).isEqualTo("100.64.0.2/32");
        assertThat(json.at("/Node/Key").asText()).startsWith("nodekey:");
    }

    @Test
    void unknownAddressIsNotFoundAndGarbageIsBadRequest() {
        assertThatThrownBy(() -> WhoIs.lookup(map, "100.64.0.9")).isInstanceOfSatisfying(BackendException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        for (String bad : List.of("", "nope", "100.64.0.2:99999", "100.64.0.2:x", "[fd7a::1", "[fd7a::1]x", "1.2.3")) {
            assertThatThrownBy(() -> WhoIs.lookup(map, bad)).as(bad).isInstanceOfSatisfying(BackendException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
        }
        assertThatThrownBy(() -> WhoIs.lookup(null, "100.64.0.2")).isInstanceOfSatisfying(BackendException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.NEEDS_LOGIN));
    }

    @Test
    void responseRoundTrips() throws Exception {
        WhoIsResponse r = WhoIs.lookup(map, "100.64.0.2");
        assertThat(LocalApiJson.decode(LocalApiJson.encode(r), WhoIsResponse.class)).isEqualTo(r);
    }
}
