package dev.trellis.coordinator.cmd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.coordinator.Coordinator;
import dev.trellis.coordinator.CoordinatorConfig;
import dev.trellis.coordinator.admin.AdminJson;
import dev.trellis.coordinator.admin.AdminSocket;
import dev.trellis.coordinator.admin.MapRecorder;
import dev.trellis.coordinator.admin.NodeView;
import dev.trellis.coordinator.admin.TestNodes;
import dev.trellis.coordinator.store.NewUser;
import dev.trellis.coordinator.store.Node;
import dev.trellis.coordinator.store.Store;
import dev.trellis.coordinator.store.Stores;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trellis-coordinator nodes …}: through the admin socket while a coordinator runs (its
 * connected nodes learn the change), through the store when none does.
 */
class NodesCommandTest {
    private static final Duration WITHIN = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    private Path dataDir;
    private Cli cli;
    private Node alpha;
    private Node bravo;
    private Coordinator coordinator;

    @BeforeEach
    void nodes() {
        dataDir = dir.resolve("data");
        cli = new Cli(dataDir);
        try (Store store = Stores.open(null, dataDir)) {
            long alice = store.createUser(NewUser.local("alice", "Alice", null)).id();
            alpha = TestNodes.register(store, alice, "alpha");
            bravo = TestNodes.register(store, alice, "bravo");
        }
    }

    @AfterEach
    void stop() {
        if (coordinator != null) {
            coordinator.close();
        }
    }

    private void startCoordinator() throws Exception {
        CoordinatorConfig d = CoordinatorConfig.defaults(dataDir);
        coordinator = Coordinator.start(new CoordinatorConfig(new InetSocketAddress("127.0.0.1", 0), null, dataDir,
                null, null, null, "trellis.test", d.nodeKeyExpiry(), d.ephemeralTimeout(), Duration.ofSeconds(30)));
    }

    private Node stored(long id) {
        try (Store store = Stores.open(null, dataDir)) {
            return store.nodeById(id).orElse(null);
        }
    }

    private static Cli.Result ok(Cli.Result r) {
        assertThat(r.code()).as(r.toString()).isZero();
        return r;
    }

    @Test
    void changesGoThroughTheRunningCoordinatorToConnectedNodes() throws Exception {
        startCoordinator();
        MapRecorder alphaMap = new MapRecorder();
        coordinator.tailnet().hub().open(alpha.id(), 1, alphaMap).orElseThrow();
        alphaMap.await("bravo in alpha's map", WITHIN, m -> m.peers().containsKey(bravo.id()));

        Cli.Result list = ok(cli.run("nodes", "list"));
        assertThat(list.out().lines().toList()).hasSize(3);
        assertThat(list.out().lines().toList().get(0)).startsWith("ID").contains("NAME", "ONLINE", "KEY EXPIRY");
        assertThat(list.out().lines().toList().get(1)).contains("alpha", "alice", alpha.ipv4().getHostAddress(), "yes");
        assertThat(list.out().lines().toList().get(2)).contains("bravo", " no ");

        Cli.Result renamed = ok(cli.run("nodes", "rename", Long.toString(bravo.id()), "web"));
        assertThat(renamed.out()).isEqualTo("renamed node " + bravo.id() + " to web\n");
        assertThat(renamed.err()).as("no fallback note").isEmpty();
        alphaMap.await("bravo renamed in alpha's map", WITHIN, m -> m.peers().get(bravo.id()).name().equals("web"));

        Cli.Result tagged = ok(cli.run("nodes", "tag", Long.toString(bravo.id()), "tag:web,tag:prod", "--json"));
        NodeView v = AdminJson.field(tagged.out().getBytes(StandardCharsets.UTF_8), "node", NodeView.class);
        assertThat(v.tags()).containsExactly("tag:web", "tag:prod");
        alphaMap.await("bravo's tags", WITHIN, m -> m.peers().get(bravo.id()).tags().equals(List.of("tag:web", "tag:prod")));

        ok(cli.run("nodes", "expire", Long.toString(bravo.id())));
        alphaMap.await("bravo expired", WITHIN, m -> m.peers().get(bravo.id()).expired());
        Cli.Result never = ok(cli.run("nodes", "expire", Long.toString(bravo.id()), "--never"));
        assertThat(never.out()).contains("key never expires");
        alphaMap.await("bravo valid again", WITHIN, m -> !m.peers().get(bravo.id()).expired());

        Cli.Result deleted = ok(cli.run("nodes", "delete", Long.toString(bravo.id())));
        assertThat(deleted.out()).isEqualTo("deleted node " + bravo.id() + "\n");
        alphaMap.await("bravo gone from alpha's map", WITHIN, m -> !m.peers().containsKey(bravo.id()));

        Cli.Result conflict = cli.run("nodes", "rename", Long.toString(alpha.id()), "alpha");
        assertThat(conflict.code()).isZero(); // renaming to its own name is no conflict
        Cli.Result missing = cli.run("nodes", "delete", "999");
        assertThat(missing.code()).as(missing.toString()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("trellis-coordinator: no node with id 999\n");
    }

    @Test
    void withoutACoordinatorTheStoreIsChangedAndAStartingCoordinatorSeesIt() throws Exception {
        Cli.Result renamed = ok(cli.run("nodes", "rename", Long.toString(bravo.id()), "web"));
        assertThat(renamed.out()).isEqualTo("renamed node " + bravo.id() + " to web\n");
        assertThat(renamed.err()).contains("no coordinator is running");
        assertThat(stored(bravo.id()).name()).isEqualTo("web");

        Instant at = Instant.parse("2099-01-31T12:00:00Z");
        Cli.Result later = ok(cli.run("nodes", "expire", Long.toString(alpha.id()), "--at", "2099-01-31T13:00:00+01:00"));
        assertThat(later.out()).contains("key expires at 2099-01-31T12:00:00Z");
        assertThat(stored(alpha.id()).keyExpiry()).isEqualTo(at);

        ok(cli.run("nodes", "tag", Long.toString(alpha.id()), "tag:db"));
        assertThat(stored(alpha.id()).tags()).containsExactly("tag:db");
        ok(cli.run("nodes", "tag", Long.toString(alpha.id()), "--clear"));
        assertThat(stored(alpha.id()).tags()).isEmpty();

        Cli.Result json = ok(cli.run("nodes", "list", "--json"));
        List<NodeView> nodes = AdminJson.list(json.out().getBytes(StandardCharsets.UTF_8), "nodes", NodeView.class);
        assertThat(nodes).extracting(NodeView::name).containsExactly("alpha", "web");
        assertThat(nodes).extracting(NodeView::online).as("unknown without a coordinator").containsOnlyNulls();
        assertThat(ok(cli.run("nodes", "list")).out()).contains("2099-01-31T12:00:00Z");

        startCoordinator();
        assertThat(coordinator.tailnet().hub().node(bravo.id()).orElseThrow().name()).isEqualTo("web");
        coordinator.close();
        coordinator = null;

        ok(cli.run("nodes", "delete", Long.toString(bravo.id())));
        assertThat(stored(bravo.id())).isNull();
        Cli.Result missing = cli.run("nodes", "delete", Long.toString(bravo.id()));
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("no node with id " + bravo.id()).doesNotContain("Exception");
    }

    @Test
    void aStaleSocketFileMeansNoCoordinatorRuns() throws Exception {
        startCoordinator();
        coordinator.close();
        coordinator = null;
        Path socket = AdminSocket.pathIn(dataDir);
        java.nio.file.Files.createDirectories(socket.getParent());
        try (var dead = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            dead.bind(java.net.UnixDomainSocketAddress.of(socket));
        }
        Cli.Result r = ok(cli.run("nodes", "rename", Long.toString(alpha.id()), "db"));
        assertThat(r.err()).contains("no coordinator is running");
        assertThat(stored(alpha.id()).name()).isEqualTo("db");
    }

    @Test
    void badArgumentsAreUsageErrorsOnOneLine() {
        for (String[] args : List.of(
                new String[] {"nodes", "rename", "abc", "x"},
                new String[] {"nodes", "rename", "1"},
                new String[] {"nodes", "expire", "1", "--at", "tomorrow"},
                new String[] {"nodes", "expire", "1", "--at", "2099-01-01T00:00:00Z", "--never"},
                new String[] {"nodes", "tag", "1", "web"},
                new String[] {"nodes", "tag", "1"},
                new String[] {"nodes", "frobnicate"})) {
            Cli.Result r = cli.run(args);
            assertThat(r.code()).as(String.join(" ", args) + "\n" + r).isEqualTo(2);
            assertThat(r.err().lines()).as(r.toString()).hasSize(1);
            assertThat(r.err()).startsWith("trellis-coordinator: ").contains("--help");
            assertThat(r.out()).isEmpty();
        }
        assertThat(stored(alpha.id()).name()).isEqualTo("alpha");
        Cli.Result badName = cli.run("nodes", "rename", Long.toString(alpha.id()), "no_underscores");
        assertThat(badName.code()).isEqualTo(1);
        assertThat(badName.err()).startsWith("trellis-coordinator: node name must be").hasLineCount(1);
    }

    @Test
    void theHelpExplainsWhereChangesGo() {
        Cli.Result help = Cli.raw("nodes", "rename", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out().replaceAll("\\s+", " ")).contains("admin socket").contains("picks the change up when it starts");
    }
}
