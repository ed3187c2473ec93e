package dev.trellis.lab.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.coordinator.Coordinator;
import dev.trellis.coordinator.CoordinatorConfig;
import dev.trellis.coordinator.store.NewUser;
import dev.trellis.coordinator.store.Store;
import dev.trellis.coordinator.store.User;
import dev.trellis.engine.controlclient.ControlClient;
import dev.trellis.engine.controlclient.NetMap;
import dev.trellis.protocol.control.Node;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control plane end to end in one JVM: a real coordinator (HTTP, Noise, SQLite) and real
 * control clients, without TUN devices or WireGuard (the namespace tests add those).
 */
class ControlPlaneTest {
    private static final Duration SOON = Duration.ofSeconds(5);
    private static final ControlClient.Timing FAST =
            new ControlClient.Timing(Duration.ofMillis(50), Duration.ofMillis(300), Duration.ofSeconds(10));

    @TempDir
    Path dataDir;

    private Coordinator coordinator;
    private final List<TestNode> nodes = new ArrayList<>();

    private Coordinator startCoordinator(int port) throws Exception {
        CoordinatorConfig d = CoordinatorConfig.defaults(dataDir);
        coordinator = Coordinator.start(new CoordinatorConfig(new InetSocketAddress("127.0.0.1", port), null, dataDir,
                null, null, null, "trellis.test", d.nodeKeyExpiry(), Duration.ofSeconds(1), Duration.ofSeconds(30)));
        return coordinator;
    }

    private String preAuthKey(boolean reusable, boolean ephemeral) {
        Store store = coordinator.tailnet().store();
        User alice = store.userByName("alice").orElseGet(() -> store.createUser(NewUser.local("alice", "Alice", null)));
        return store.createPreAuthKey(alice.id(), reusable, ephemeral, Instant.now().plusSeconds(600), List.of()).text();
    }

    private TestNode node(String name, String key) {
        TestNode n = new TestNode(name).start(coordinator.serverUrl(), key, FAST);
        nodes.add(n);
        return n;
    }

    @AfterEach
    void tearDown() {
        nodes.forEach(TestNode::close);
        if (coordinator != null) {
            coordinator.close();
        }
    }

    @Test
    void nodesJoinSeeEachOtherAndSurviveACoordinatorRestart() throws Exception {
        startCoordinator(0);
        String key = preAuthKey(true, false);
        TestNode a = node("alpha", key);
        TestNode b = node("bravo", key);
        TestNode c = node("charlie", key);
        a.await("bravo and charlie", SOON, TestNode.peers("bravo", "charlie"));
        b.await("alpha and charlie", SOON, TestNode.peers("alpha", "charlie"));
        NetMap cm = c.await("alpha and bravo", SOON, TestNode.peers("alpha", "bravo"));
        assertThat(cm.self().name()).isEqualTo("charlie");
        assertThat(cm.self().addresses()).hasSize(2);
        assertThat(cm.self().addresses().getFirst().toString()).startsWith("100.");
        assertThat(cm.users().values()).extracting(u -> u.loginName()).containsExactly("alice");
        assertThat(a.events).contains("loggedIn alice");

        // endpoints reach the peers as patches
        a.client().updateEndpoints(List.of("198.18.0.1:41641"));
        b.await("alpha's endpoint", SOON, m -> m.peers().values().stream()
                .anyMatch(n -> n.name().equals("alpha") && n.endpoints().equals(List.of("198.18.0.1:41641"))));

        // a fourth node reaches everyone within 2 s
        long t0 = System.nanoTime();
        TestNode d = node("delta", key);
        for (TestNode n : List.of(a, b, c)) {
            n.await("delta", Duration.ofSeconds(2), m -> m.peers().values().stream().anyMatch(p -> p.name().equals("delta")));
        }
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
        d.await("all three", SOON, TestNode.peers("alpha", "bravo", "charlie"));

        // the coordinator goes away: nodes keep their maps; it comes back on the same port and data
        int port = coordinator.address().getPort();
        coordinator.close();
        coordinator = null;
        a.awaitEvent("down", SOON);
        assertThat(a.map().peers()).hasSize(3);
        startCoordinator(port);
        TestNode e = node("echo", key);
        a.await("echo after the restart", Duration.ofSeconds(10),
                m -> m.peers().values().stream().anyMatch(p -> p.name().equals("echo")));
        NetMap am = a.map();
        Node alphaSelf = am.self();
        assertThat(alphaSelf.addresses()).isEqualTo(cm.peers().values().stream()
                .filter(p -> p.name().equals("alpha")).findFirst().orElseThrow().addresses());
        e.await("everyone", SOON, TestNode.peers("alpha", "bravo", "charlie", "delta"));
    }

    @Test
    void aNodeThatLeavesGoesOfflineAndAnEphemeralOneDisappears() throws Exception {
        startCoordinator(0);
        TestNode a = node("alpha", preAuthKey(true, false));
        TestNode eph = node("ephemeral", preAuthKey(false, true));
        a.await("ephemeral online", SOON, m -> m.peers().values().stream()
                .anyMatch(n -> n.name().equals("ephemeral") && Boolean.TRUE.equals(n.online())));
        eph.close();
        a.await("ephemeral offline", SOON, m -> m.peers().values().stream()
                .anyMatch(n -> n.name().equals("ephemeral") && Boolean.FALSE.equals(n.online()) && n.lastSeen() != null));
        // the ephemeral timeout is 1 s in this test
        a.await("ephemeral deleted", SOON, m -> m.peers().isEmpty());
    }

    @Test
    void aUsedOneShotKeyIsRefusedWithAClearMessage() throws Exception {
        startCoordinator(0);
        String once = preAuthKey(false, false);
        node("first", once).await("registered", SOON, m -> true);
        TestNode second = node("second", once);
        assertThat(second.awaitEvent("stopped", SOON)).contains("AUTH_KEY_REFUSED").contains("already used");
        TestNode garbage = node("garbage", "trellis-auth-nonsense");
        assertThat(garbage.awaitEvent("stopped", SOON)).contains("AUTH_KEY_REFUSED").contains("malformed");
    }

    @Test
    void anInteractiveNodeGetsAnAuthUrlAndWaits() throws Exception {
        startCoordinator(0);
        TestNode n = node("laptop", null);
        String url = n.awaitEvent("authUrl", SOON).substring("authUrl ".length());
        assertThat(url).startsWith(coordinator.serverUrl() + "/register/");
        Store store = coordinator.tailnet().store();
        User bob = store.createUser(NewUser.local("bob", "Bob", null));
        String id = url.substring(url.lastIndexOf('/') + 1);
        assertThat(coordinator.tailnet().completeLogin(id, bob)).hasToString("COMPLETED");
        n.awaitEvent("loggedIn bob", SOON);
        n.await("its map", SOON, m -> m.self().name().equals("laptop"));
        assertThat(coordinator.tailnet().completeLogin(id, bob)).hasToString("ALREADY_COMPLETED");
    }
}
