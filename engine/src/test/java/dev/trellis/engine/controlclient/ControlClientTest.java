package dev.trellis.engine.controlclient;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.protocol.control.ControlError;
import dev.trellis.protocol.control.DnsConfig;
import dev.trellis.protocol.control.FilterRule;
import dev.trellis.protocol.control.Hostinfo;
import dev.trellis.protocol.control.MapRequest;
import dev.trellis.protocol.control.MapResponse;
import dev.trellis.protocol.control.Node;
import dev.trellis.protocol.control.RegisterRequest;
import dev.trellis.protocol.control.RegisterResponse;
import dev.trellis.protocol.control.UserProfile;
import dev.trellis.protocol.key.MachinePrivateKey;
import dev.trellis.protocol.key.NodePrivateKey;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ControlClientTest {
    private static final ControlClient.Timing FAST =
            new ControlClient.Timing(Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofSeconds(30));
    private final MachinePrivateKey machine = MachinePrivateKey.generate();
    private final NodePrivateKey nodeKey = NodePrivateKey.generate();
    private final RecordingListener events = new RecordingListener();
    private ScriptedCoordinator coordinator;
    private ControlClient client;

    private ControlClient client(ControlClient.Timing timing) throws Exception {
        coordinator = new ScriptedCoordinator();
        client = new ControlClient(URI.create("http://127.0.0.1:1"), machine, null, coordinator, events,
                () -> new Hostinfo("box", "linux", null, null), timing);
        return client;
    }

    @AfterEach
    void tearDown() throws Exception {
        if (client != null) {
            client.close();
        }
        if (coordinator != null) {
            coordinator.close();
        }
    }

    private Node self() {
        return new Node(1, "s1", "box", 7, nodeKey.publicKey(), null, null, List.of(), List.of(), List.of(), null, null,
                Instant.EPOCH, null, true, List.of(), false);
    }

    private static Node peer(long id) {
        return new Node(id, "s" + id, "p" + id, 7, NodePrivateKey.generate().publicKey(), null, null, List.of(), List.of(),
                List.of(), null, null, Instant.EPOCH, null, true, List.of(), false);
    }

    private MapResponse full(long requestId, Node... peers) {
        return new MapResponse(requestId, 1, false, self(), List.of(peers), null, null, null, FilterRule.ALLOW_ALL,
                new DnsConfig("t", null, null), List.of(new UserProfile(7, "alice", "Alice")), Instant.EPOCH, null);
    }

    @Test
    void preAuthKeyRegistersOnceThenTheNodeKeyAloneReconnects() throws Exception {
        client(FAST).start(new ControlClient.Login(nodeKey, null, "trellis-auth-abc", false));
        ScriptedCoordinator.Session s = coordinator.nextSession();
        assertThat(s.client()).isEqualTo(machine.publicKey());
        RegisterRequest reg = (RegisterRequest) s.read();
        assertThat(reg.authKey()).isEqualTo("trellis-auth-abc");
        assertThat(reg.nodeKey()).isEqualTo(nodeKey.publicKey());
        s.send(new RegisterResponse(reg.id(), new UserProfile(7, "alice", "Alice"), true, false, null, null, null));
        MapRequest map = (MapRequest) s.read();
        assertThat(map.stream()).isTrue();
        s.send(full(map.id(), peer(2)));
        s.send(new MapResponse(map.id(), 2, false, null, null, List.of(peer(3)), null, null, null, null, null, Instant.EPOCH, null));
        s.send(MapResponse.keepAlive(map.id(), 3, Instant.EPOCH));
        assertThat(events.next()).isEqualTo("pinned");
        assertThat(events.next()).isEqualTo("loggedIn alice");
        assertThat(events.next()).isEqualTo("netMap [2]");
        assertThat(events.next()).isEqualTo("netMap [2, 3]");

        client.updateEndpoints(List.of("198.18.0.1:41641"));
        MapRequest update = (MapRequest) s.read();
        assertThat(update.stream()).isFalse();
        assertThat(update.endpoints()).containsExactly("198.18.0.1:41641");

        s.conn().close(); // the coordinator goes away
        ScriptedCoordinator.Session again = coordinator.nextSession();
        RegisterRequest second = (RegisterRequest) again.read();
        assertThat(second.authKey()).isNull();
        again.send(new RegisterResponse(second.id(), new UserProfile(7, "alice", "Alice"), true, false, null, null, null));
        MapRequest resumed = (MapRequest) again.read();
        assertThat(resumed.endpoints()).containsExactly("198.18.0.1:41641");
        again.send(full(resumed.id(), peer(3)));
        assertThat(events.next()).isEqualTo("loggedIn alice");
        assertThat(events.next()).isEqualTo("netMap [3]");
    }

    @Test
    void interactiveLoginShowsTheUrlAndWaitsForIt() throws Exception {
        client(FAST).start(new ControlClient.Login(nodeKey, null, null, true));
        ScriptedCoordinator.Session s = coordinator.nextSession();
        RegisterRequest reg = (RegisterRequest) s.read();
        s.send(new RegisterResponse(reg.id(), null, false, false, "http://127.0.0.1:1/register/tok", null, null));
        RegisterRequest followup = (RegisterRequest) s.read();
        assertThat(followup.followup()).isEqualTo("http://127.0.0.1:1/register/tok");
        assertThat(events.next()).isEqualTo("pinned");
        assertThat(events.next()).isEqualTo("authUrl http://127.0.0.1:1/register/tok");
        s.send(new RegisterResponse(followup.id(), new UserProfile(7, "alice", "Alice"), true, false, null, null, null));
        assertThat(events.next()).isEqualTo("loggedIn alice");
    }

    @Test
    void aRefusedAuthKeyStopsTheClientForTheUser() throws Exception {
        client(FAST).start(new ControlClient.Login(nodeKey, null, "trellis-auth-bad", false));
        ScriptedCoordinator.Session s = coordinator.nextSession();
        RegisterRequest reg = (RegisterRequest) s.read();
        s.send(new RegisterResponse(reg.id(), null, false, false, null, null, "pre-auth key has expired"));
        assertThat(events.next()).isEqualTo("pinned");
        assertThat(events.next()).isEqualTo("stopped AUTH_KEY_REFUSED");
    }

    @Test
    void aNodeWithoutLoginIsToldToLogIn() throws Exception {
        client(FAST).start(new ControlClient.Login(nodeKey, null, null, false));
        ScriptedCoordinator.Session s = coordinator.nextSession();
        RegisterRequest reg = (RegisterRequest) s.read();
        s.send(new RegisterResponse(reg.id(), null, false, false, "http://127.0.0.1:1/register/x", null, null));
        assertThat(events.next()).isEqualTo("pinned");
        assertThat(events.next()).isEqualTo("stopped NEEDS_LOGIN");
    }

    @Test
    void aChangedCoordinatorKeyIsRefused() throws Exception {
        client(FAST).start(new ControlClient.Login(nodeKey, null, "k", false));
        ScriptedCoordinator.Session s = coordinator.nextSession();
        RegisterRequest reg = (RegisterRequest) s.read();
        coordinator.advertised = MachinePrivateKey.generate().publicKey();
        s.send(new RegisterResponse(reg.id(), new UserProfile(7, "alice", "Alice"), true, false, null, null, null));
        MapRequest map = (MapRequest) s.read();
        s.send(new ControlError(map.id(), ControlError.Code.INTERNAL, "restarting"));
        assertThat(events.next()).isEqualTo("pinned");
        assertThat(events.next()).isEqualTo("loggedIn alice");
        assertThat(events.next()).isEqualTo("stopped SERVER_KEY_CHANGED");
    }

    @Test
    void aSilentCoordinatorIsLeftForANewConnection() throws Exception {
        client(new ControlClient.Timing(Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(300)))
                .start(new ControlClient.Login(nodeKey, null, "k", false));
        ScriptedCoordinator.Session s = coordinator.nextSession();
        RegisterRequest reg = (RegisterRequest) s.read();
        s.send(new RegisterResponse(reg.id(), new UserProfile(7, "alice", "Alice"), true, false, null, null, null));
        MapRequest map = (MapRequest) s.read();
        s.send(full(map.id()));
        // no keep-alives follow: the client must give up on this connection and dial again
        ScriptedCoordinator.Session again = coordinator.nextSession();
        assertThat(again.read()).isInstanceOf(RegisterRequest.class);
    }
}
