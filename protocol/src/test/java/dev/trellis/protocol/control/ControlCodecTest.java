package dev.trellis.protocol.control;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.key.NodePublicKey;
import dev.trellis.protocol.net.IpPrefix;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ControlCodecTest {
    private static final NodePublicKey KEY = NodePrivateKey.generate().publicKey();
    private static final Instant T = Instant.parse("2026-11-25T19:00:00Z");

    static Node node(long id) {
        return new Node(id, "n" + id, "host" + id, 7, KEY, T.plusSeconds(86400), null,
                List.of(IpPrefix.parse("100.64.0." + id + "/32"), IpPrefix.parse("fd7a:115c:a1e0::" + id + "/128")),
                List.of(IpPrefix.parse("100.64.0." + id + "/32")), List.of("198.18.0." + id + ":41641"),
                null, new Hostinfo("host" + id, "linux", null, "0.1.0"), T, null, true, List.of(), false);
    }

    @Test
    void everyMessageRoundTrips() throws Exception {
        List<ControlMessage> messages = List.of(
                new RegisterRequest(1, CapabilityVersion.CURRENT, KEY, null, "trellis-auth-x", new Hostinfo("a", "linux", "6.1", "0.1"),
                        null, false, null),
                new RegisterResponse(1, new UserProfile(7, "alice", "Alice"), true, false, null, T, null),
                new MapRequest(2, 1, KEY, null, List.of("198.18.0.1:41641"), null, true),
                new MapResponse(2, 1, false, node(1), List.of(node(2), node(3)), null, null, null,
                        FilterRule.ALLOW_ALL, new DnsConfig("trellis.internal", null, null),
                        List.of(new UserProfile(7, "alice", "Alice")), T, null),
                new MapResponse(2, 2, false, null, null, List.of(node(4)), List.of(3L),
                        List.of(PeerChange.online(2, false, T)), null, null, null, T, null),
                MapResponse.keepAlive(2, 3, T),
                new ControlError(5, ControlError.Code.KEY_EXPIRED, "node key expired: log in again"));
        for (ControlMessage m : messages) {
            assertThat(ControlCodec.decode(ControlCodec.encode(m))).isEqualTo(m);
        }
    }

    @Test
    void fieldNamesAreTailscaleStyleAndNullsAreLeftOut() {
        String json = new String(ControlCodec.encode(
                new MapRequest(2, 1, KEY, null, List.of("198.18.0.1:41641"), null, true)), UTF_8);
        assertThat(json).contains("\"Type\":\"MapRequest\"", "\"NodeKey\":\"nodekey:", "\"Endpoints\":[\"198.18.0.1:41641\"]",
                "\"Stream\":true").doesNotContain("DiscoKey", "Hostinfo");
    }

    @Test
    void acronymsAreSpeltAsTailscaleSpellsThem() {
        String json = new String(ControlCodec.encode(new MapResponse(2, 1, false, node(1), List.of(), null, null, null,
                FilterRule.ALLOW_ALL, new DnsConfig("d", null, null), null, T, null)), UTF_8);
        assertThat(json).contains("\"DNS\":{", "\"AllowedIPs\":[", "\"SrcIPs\":[\"*\"]", "\"IP\":\"*\"",
                "\"OS\":\"linux\"");
        String reg = new String(ControlCodec.encode(new RegisterResponse(1, null, false, false, "http://x/register/a", null, null)), UTF_8);
        assertThat(reg).contains("\"AuthURL\":\"http://x/register/a\"");
    }

    @Test
    void unknownFieldsAreIgnoredForForwardCompatibility() throws Exception {
        String json = "{\"Type\":\"Error\",\"Id\":3,\"Code\":\"INTERNAL\",\"Message\":\"x\",\"FromTheFuture\":{\"a\":[1]}}";
        assertThat(ControlCodec.decode(json.getBytes(UTF_8)))
                .isEqualTo(new ControlError(3, ControlError.Code.INTERNAL, "x"));
    }

    @Test
    void authKeyIsRedactedInToString() {
        var r = new RegisterRequest(1, 1, KEY, null, "trellis-auth-secret", null, null, false, null);
        assertThat(r.toString()).doesNotContain("trellis-auth-secret").contains("[redacted]");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "null", "[]", "{}", "{\"Type\":\"Nope\",\"Id\":1}", "{\"Type\":\"MapRequest\",\"Id\":\"x\"}",
        "{\"Type\":\"MapRequest\",\"Id\":1,\"NodeKey\":\"nodekey:zz\"}",
        "{\"Type\":\"MapRequest\",\"Id\":1,\"NodeKey\":17}",
        "{\"Type\":\"Error\",\"Id\":1,\"Code\":\"NOPE\"}",
        "{\"Type\":\"MapResponse\",\"Id\":1,\"ControlTime\":\"yesterday\"}",
        "{\"Type\":\"Error\",\"Id\":1} trailing",
        "{\"Type\":\"Error\",\"Id\":1",
        "\u0000\u0001garbage",
    })
    void malformedInputIsAClearProtocolError(String json) {
        assertThatThrownBy(() -> ControlCodec.decode(json.getBytes(UTF_8)))
                .isInstanceOf(ControlProtocolException.class)
                .hasMessageContaining("control message");
    }

    @Test
    void deepNestingIsRefusedNotRecursed() {
        String deep = "{\"Type\":\"Error\",\"Id\":1,\"X\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}";
        assertThatThrownBy(() -> ControlCodec.decode(deep.getBytes(UTF_8)))
                .isInstanceOf(ControlProtocolException.class);
    }
}
