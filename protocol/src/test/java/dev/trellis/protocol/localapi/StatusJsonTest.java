package dev.trellis.protocol.localapi;

import static dev.trellis.protocol.localapi.Fixtures.PEER_HEX;
import static dev.trellis.protocol.localapi.Fixtures.PEER_KEY;
import static dev.trellis.protocol.localapi.Fixtures.SELF_HEX;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * Status, PeerStatus, TailnetStatus and UserProfile against JSON written by hand from the Go
 * struct tags of tailscale/tailscale ipn/ipnstate/ipnstate.go and tailcfg/tailcfg.go.
 */
class StatusJsonTest {
    private static final ObjectMapper TREE = new ObjectMapper();

    static final String PEER_JSON = """
            {"ID":"nPEER","NodeID":2,"PublicKey":"nodekey:%s","HostName":"server",
             "DNSName":"server.alice.trellis.internal.","OS":"linux","UserID":7,
             "TailscaleIPs":["100.64.0.2","fd7a:115c:a1e0::2"],
             "AllowedIPs":["100.64.0.2/32","fd7a:115c:a1e0::2/128"],"Tags":["tag:server"],
             "Addrs":["198.18.0.2:41641"],"CurAddr":"198.18.0.2:41641","Relay":"lon",
             "RxBytes":1536,"TxBytes":2048,"Created":"2026-11-20T08:00:00Z",
             "LastWrite":"2026-11-25T18:59:57Z","LastHandshake":"2026-11-25T18:59:57Z",
             "Online":true,"Active":true}
            """.formatted(PEER_HEX);

    static final String STATUS_JSON = """
            {"Version":"0.1.0","TUN":true,"BackendState":"Running","HaveNodeKey":true,
             "TailscaleIPs":["100.64.0.1","fd7a:115c:a1e0::1"],
             "Self":{"ID":"nSELF","NodeID":1,"PublicKey":"nodekey:%s","HostName":"laptop",
                     "DNSName":"laptop.alice.trellis.internal.","OS":"linux","UserID":7,
                     "TailscaleIPs":["100.64.0.1","fd7a:115c:a1e0::1"],"RxBytes":0,"TxBytes":0,
                     "Created":"2026-11-20T08:00:00Z","Online":true,"Active":false,
                     "KeyExpiry":"2027-05-24T08:00:00Z"},
             "Health":["no relay connection"],"MagicDNSSuffix":"alice.trellis.internal",
             "CurrentTailnet":{"Name":"alice@example.com","MagicDNSSuffix":"alice.trellis.internal",
                               "MagicDNSEnabled":true},
             "Peer":{"nodekey:%s":%s},
             "User":{"7":{"ID":7,"LoginName":"alice@example.com","DisplayName":"Alice"}}}
            """.formatted(SELF_HEX, PEER_HEX, PEER_JSON);

    @Test
    void statusHasTailscaleFieldNames() throws Exception {
        String json = new String(LocalApiJson.encode(Fixtures.status()), UTF_8);
        assertThat(TREE.readTree(json)).isEqualTo(TREE.readTree(STATUS_JSON));
    }

    @Test
    void statusRoundTrips() throws Exception {
        Status st = Fixtures.status();
        assertThat(LocalApiJson.decode(LocalApiJson.encode(st), Status.class)).isEqualTo(st);
        assertThat(LocalApiJson.decode(STATUS_JSON.getBytes(UTF_8), Status.class)).isEqualTo(st);
    }

    @Test
    void emptyObjectIsALoggedOutDaemonWithEmptyCollections() throws Exception {
        Status st = LocalApiJson.decode("{}".getBytes(UTF_8), Status.class);
        assertThat(st.backendState()).isEqualTo(BackendState.NO_STATE);
        assertThat(st.peer()).isEmpty();
        assertThat(st.user()).isEmpty();
        assertThat(st.tailscaleIps()).isEmpty();
        assertThat(st.self()).isNull();
    }

    /**
     * What tailscaled itself prints for a logged-out node and a peer: Go's nulls, empty strings,
     * zero times and many fields Trellis does not model. All of it must read.
     */
    @Test
    void readsTailscaledOutputWithNullsZeroTimesAndUnknownFields() throws Exception {
        String json = """
                {
                	"Version": "1.90.0-t1234",
                	"TUN": false,
                	"BackendState": "NeedsLogin",
                	"AuthURL": "",
                	"TailscaleIPs": null,
                	"Self": {
                		"ID": "", "NodeID": 0, "PublicKey": "nodekey:%s", "HostName": "laptop",
                		"DNSName": "", "OS": "linux", "UserID": 0, "TailscaleIPs": null,
                		"Addrs": [], "CurAddr": "", "Relay": "", "PeerRelay": "", "RxBytes": 0, "TxBytes": 0,
                		"Created": "0001-01-01T00:00:00Z", "LastWrite": "0001-01-01T00:00:00Z",
                		"LastSeen": "0001-01-01T00:00:00Z", "LastHandshake": "0001-01-01T00:00:00Z",
                		"Online": false, "ExitNode": false, "ExitNodeOption": false, "Active": false,
                		"PeerAPIURL": null, "TaildropTarget": 0, "NoFileSharingReason": "",
                		"InNetworkMap": true, "InMagicSock": false, "InEngine": false
                	},
                	"Health": ["You are logged out."],
                	"MagicDNSSuffix": "",
                	"CurrentTailnet": null,
                	"CertDomains": null,
                	"Peer": {"nodekey:%s": {"PublicKey": "nodekey:%s", "HostName": "server",
                		"LastHandshake": "2026-11-25T19:59:57+01:00", "sshHostKeys": ["ssh-ed25519 AAAA"],
                		"Location": {"Country": "X"}}},
                	"User": null,
                	"ClientVersion": null
                }
                """.formatted(SELF_HEX, PEER_HEX, PEER_HEX);
        Status st = LocalApiJson.decode(json.getBytes(UTF_8), Status.class);
        assertThat(st.backendState()).isEqualTo(BackendState.NEEDS_LOGIN);
        assertThat(st.authUrl()).isEmpty();
        assertThat(st.tailscaleIps()).isEmpty();
        assertThat(st.currentTailnet()).isNull();
        assertThat(st.user()).isEmpty();
        assertThat(st.self().created()).as("Go zero time reads as null").isNull();
        assertThat(st.self().lastHandshake()).isNull();
        assertThat(st.peer().get(PEER_KEY).lastHandshake())
                .as("offsets are converted to UTC").isEqualTo(Fixtures.HANDSHAKE);
    }

    @Test
    void unsetFieldsAreLeftOutButFalseAndZeroAreWrittenAsGoDoes() throws Exception {
        PeerStatus bare = new PeerStatus(null, 0, null, null, null, null, 0, null, null, null, null,
                null, null, 0, 0, null, null, null, null, false, false, false, null);
        assertThat(TREE.readTree(LocalApiJson.encode(bare))).isEqualTo(TREE.readTree("""
                {"NodeID":0,"UserID":0,"RxBytes":0,"TxBytes":0,"Online":false,"Active":false}
                """));
        PeerStatus expired = new PeerStatus(null, 0, null, null, null, null, 0, null, null, null, null,
                null, null, 0, 0, null, null, null, null, false, false, true, Fixtures.CREATED);
        assertThat(new String(LocalApiJson.encode(expired), UTF_8))
                .contains("\"Expired\":true", "\"KeyExpiry\":\"2026-11-20T08:00:00Z\"");
    }

    @Test
    void userProfileHasTailscaleFieldNames() throws Exception {
        var u = new UserProfile(42, "bob@example.com", "Bob", "https://example.com/bob.png");
        assertThat(TREE.readTree(LocalApiJson.encode(u))).isEqualTo(TREE.readTree("""
                {"ID":42,"LoginName":"bob@example.com","DisplayName":"Bob",
                 "ProfilePicURL":"https://example.com/bob.png"}
                """));
        assertThat(LocalApiJson.decode(LocalApiJson.encode(u), UserProfile.class)).isEqualTo(u);
    }

    @Test
    void peerDnsNameWithoutDot() {
        assertThat(Fixtures.peer().dnsNameNoDot()).isEqualTo("server.alice.trellis.internal");
        assertThat(Fixtures.self().dnsNameNoDot()).isEqualTo("laptop.alice.trellis.internal");
    }
}
