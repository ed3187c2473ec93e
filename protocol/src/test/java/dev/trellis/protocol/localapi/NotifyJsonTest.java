package dev.trellis.protocol.localapi;

import static dev.trellis.protocol.localapi.Fixtures.PEER_HEX;
import static dev.trellis.protocol.localapi.Fixtures.SELF_HEX;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trellis.protocol.net.IpPrefix;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Notify and what it carries, against JSON written by hand from ipn/backend.go and friends. */
class NotifyJsonTest {
    private static final ObjectMapper TREE = new ObjectMapper();

    @Test
    void stateTravelsAsTailscalesNumber() throws Exception {
        assertThat(new String(LocalApiJson.encode(Notify.ofState("0.1.0", BackendState.RUNNING)), UTF_8))
                .isEqualTo("{\"Version\":\"0.1.0\",\"State\":6}");
        assertThat(LocalApiJson.decode("{\"State\":2}".getBytes(UTF_8), Notify.class).state())
                .isEqualTo(BackendState.NEEDS_LOGIN);
    }

    @Test
    void browseToUrlErrorAndLoginFinished() throws Exception {
        assertThat(new String(LocalApiJson.encode(Notify.ofBrowseToUrl("v", "https://login.example/a/b")), UTF_8))
                .isEqualTo("{\"Version\":\"v\",\"BrowseToURL\":\"https://login.example/a/b\"}");
        assertThat(new String(LocalApiJson.encode(
                Notify.ofError("v", ErrorCode.AUTH_KEY_REFUSED, "auth key expired")), UTF_8))
                .isEqualTo("{\"Version\":\"v\",\"ErrMessage\":\"auth key expired\",\"ErrCode\":\"auth-key-refused\"}");
        assertThat(new String(LocalApiJson.encode(Notify.ofLoginFinished("v")), UTF_8))
                .isEqualTo("{\"Version\":\"v\",\"LoginFinished\":{}}");
        assertThat(LocalApiJson.decode("{\"LoginFinished\":{}}".getBytes(UTF_8), Notify.class).loginFinished()).isTrue();
        assertThat(LocalApiJson.decode("{\"LoginFinished\":null}".getBytes(UTF_8), Notify.class).loginFinished()).isFalse();
    }

    /** A first message as tailscaled sends it: every pointer field present, most of them null. */
    @Test
    void readsTailscaledNotifyWithNullsAndUnknownFields() throws Exception {
        String json = """
                {"Version":"1.90.0-t1234","SessionID":"abc","ErrMessage":null,"LoginFinished":null,
                 "State":2,"Prefs":{"ControlURL":"https://controlplane.tailscale.com","RouteAll":false,
                 "ExitNodeID":"","ExitNodeIP":"","CorpDNS":true,"WantRunning":false,"LoggedOut":true,
                 "Hostname":"","AdvertiseRoutes":null,"AutoUpdate":{"Check":true,"Apply":null},"Config":null},
                 "NetMap":null,"Engine":null,"BrowseToURL":null,"DriveShares":null}
                """;
        Notify n = LocalApiJson.decode(json.getBytes(UTF_8), Notify.class);
        assertThat(n.state()).isEqualTo(BackendState.NEEDS_LOGIN);
        assertThat(n.errMessage()).isNull();
        assertThat(n.browseToUrl()).isNull();
        assertThat(n.loginFinished()).isFalse();
        assertThat(n.prefs().loggedOut()).isTrue();
        assertThat(n.prefs().corpDns()).isTrue();
        assertThat(n.prefs().advertiseRoutes()).isNull();
    }

    @Test
    void engineHealthAndNetMapHaveTailscaleFieldNames() throws Exception {
        Instant t = Instant.parse("2026-11-25T19:00:00Z");
        var node = new NetMapNode(2, "nPEER", "server.alice.trellis.internal.", 7, Fixtures.PEER_KEY, null,
                List.of(IpPrefix.parse("100.64.0.2/32")), List.of(IpPrefix.parse("100.64.0.2/32")),
                List.of("198.18.0.2:41641"), 1, new NetMapNode.Hostinfo("server", "linux", "6.1", "0.1.0"),
                t, List.of(), null, true, true, "server", false);
        var n = new Notify("v", null, null, false, null, null,
                new NetMap(null, Fixtures.SELF_KEY, List.of(node), "alice.trellis.internal",
                        Map.of(7L, new UserProfile(7, "alice", "Alice", null))),
                new EngineStatus(100, 200, 1, 1), null,
                new HealthState(Map.of("no-relay", new HealthState.Warning("no-relay", "medium",
                        "No relay", "Cannot reach any relay.", t, true))));
        assertThat(TREE.readTree(LocalApiJson.encode(n))).isEqualTo(TREE.readTree("""
                {"Version":"v",
                 "NetMap":{"NodeKey":"nodekey:%s","Domain":"alice.trellis.internal",
                   "Peers":[{"ID":2,"StableID":"nPEER","Name":"server.alice.trellis.internal.","User":7,
                     "Key":"nodekey:%s","Addresses":["100.64.0.2/32"],"AllowedIPs":["100.64.0.2/32"],
                     "Endpoints":["198.18.0.2:41641"],"HomeDERP":1,
                     "Hostinfo":{"Hostname":"server","OS":"linux","OSVersion":"6.1","IPNVersion":"0.1.0"},
                     "Created":"2026-11-25T19:00:00Z","Online":true,"MachineAuthorized":true,
                     "ComputedName":"server"}],
                   "UserProfiles":{"7":{"ID":7,"LoginName":"alice","DisplayName":"Alice"}}},
                 "Engine":{"RBytes":100,"WBytes":200,"NumLive":1,"LiveDERPs":1},
                 "Health":{"Warnings":{"no-relay":{"WarnableCode":"no-relay","Severity":"medium",
                   "Title":"No relay","Text":"Cannot reach any relay.","BrokenSince":"2026-11-25T19:00:00Z",
                   "ImpactsConnectivity":true}}}}
                """.formatted(SELF_HEX, PEER_HEX)));
        assertThat(LocalApiJson.decode(LocalApiJson.encode(n), Notify.class)).isEqualTo(n);
    }

    @Test
    void everyNotifyRoundTrips() throws Exception {
        for (Notify n : List.of(
                Notify.ofState("v", BackendState.NO_STATE), Notify.ofState("v", BackendState.STOPPED),
                Notify.ofBrowseToUrl("v", "https://x.example/"), Notify.ofError("v", null, "boom"),
                Notify.ofLoginFinished("v"),
                new Notify("v", null, null, false, BackendState.STARTING,
                        Prefs.builder().wantRunning(true).hostname("").build(), null, null, null, null))) {
            assertThat(LocalApiJson.decode(LocalApiJson.encode(n), Notify.class)).isEqualTo(n);
        }
    }
}
