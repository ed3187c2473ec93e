package dev.trellis.lab.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.coordinator.Coordinator;
import dev.trellis.coordinator.CoordinatorConfig;
import dev.trellis.coordinator.store.NewUser;
import dev.trellis.coordinator.store.Store;
import dev.trellis.coordinator.store.User;
import dev.trellis.protocol.http.HttpResult;
import dev.trellis.protocol.localapi.BackendState;
import dev.trellis.protocol.localapi.ErrorCode;
import dev.trellis.protocol.localapi.LocalApiPaths;
import dev.trellis.protocol.localapi.PeerStatus;
import dev.trellis.protocol.localapi.Status;
import dev.trellis.protocol.localapi.WatchOpt;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LocalAPI → daemon backend → control client → coordinator, all real but the data plane (a
 * recording engine): what `trellis up/down/login/logout/status` rely on.
 */
class LocalApiEndToEndTest {
    @TempDir
    Path tmp;

    private Coordinator coordinator;
    private final List<AutoCloseable> closeables = new java.util.ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closeables.reversed()) {
            c.close();
        }
        if (coordinator != null) {
            coordinator.close();
        }
    }

    private Coordinator coordinator(int port) throws Exception {
        CoordinatorConfig d = CoordinatorConfig.defaults(tmp.resolve("coordinator"));
        coordinator = Coordinator.start(new CoordinatorConfig(new InetSocketAddress("127.0.0.1", port), null, d.dataDir(),
                null, null, null, "trellis.test", d.nodeKeyExpiry(), d.ephemeralTimeout(), d.keepAlive()));
        return coordinator;
    }

    private String key() {
        Store store = coordinator.tailnet().store();
        User u = store.userByName("alice").orElseGet(() -> store.createUser(NewUser.local("alice", "Alice", null)));
        return store.createPreAuthKey(u.id(), true, false, Instant.now().plusSeconds(600), List.of()).text();
    }

    private DaemonUnderTest daemon(String name) throws Exception {
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir);
        DaemonUnderTest d = new DaemonUnderTest(dir);
        closeables.add(d);
        return d;
    }

    private String up(String hostname, String authKey) {
        return "{\"AuthKey\":" + (authKey == null ? "null" : "\"" + authKey + "\"") + ",\"UpdatePrefs\":{\"ControlURL\":\""
                + coordinator.serverUrl() + "\",\"Hostname\":\"" + hostname + "\",\"WantRunning\":true,\"LoggedOut\":false}}";
    }

    @Test
    void upStatusDownAndLogout() throws Exception {
        coordinator(0);
        String key = key();
        DaemonUnderTest a = daemon("a");
        DaemonUnderTest b = daemon("b");
        assertThat(a.status().backendState()).isEqualTo(BackendState.NEEDS_LOGIN);

        try (DaemonUnderTest.Watch bus = a.watch(WatchOpt.mask(WatchOpt.INITIAL_STATE, WatchOpt.INITIAL_PREFS))) {
            assertThat(bus.await("initial state", n -> n.state() != null).state()).isEqualTo(BackendState.NEEDS_LOGIN);
            assertThat(a.call("POST", LocalApiPaths.START, up("alpha", key)).status()).isEqualTo(204);
            bus.await("Running", n -> n.state() == BackendState.RUNNING);
        }
        assertThat(b.call("POST", LocalApiPaths.START, up("bravo", key)).status()).isEqualTo(204);

        Status sa = a.awaitStatus("bravo as a peer", s -> s.peer().values().stream().anyMatch(p -> p.hostName().equals("bravo")));
        assertThat(sa.backendState()).isEqualTo(BackendState.RUNNING);
        assertThat(sa.self().hostName()).isEqualTo("alpha");
        assertThat(sa.self().dnsName()).isEqualTo("alpha.trellis.test.");
        assertThat(sa.tailscaleIps()).hasSize(2);
        assertThat(sa.tailscaleIps().getFirst().getHostAddress()).startsWith("100.");
        sa = a.awaitStatus("bravo online", s -> s.peer().values().iterator().next().online());
        PeerStatus bravo = sa.peer().values().iterator().next();
        assertThat(bravo.addrs()).containsExactly("198.18.0.1:41641");
        assertThat(a.engine.applied.peers()).hasSize(1);
        assertThat(sa.user().values()).extracting(u -> u.loginName()).containsExactly("alice");

        // state files are private
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(a.stateDir))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(a.stateDir.resolve("state.json"))))
                .isEqualTo("rw-------");
        assertThat(Files.readString(a.stateDir.resolve("state.json"))).doesNotContain(key);

        // down: stopped, tunnel cleared; up again without a key
        HttpResult down = a.call("PATCH", LocalApiPaths.PREFS, "{\"WantRunning\":false,\"WantRunningSet\":true}");
        assertThat(down.status()).isEqualTo(200);
        assertThat(a.status().backendState()).isEqualTo(BackendState.STOPPED);
        assertThat(a.engine.applied).isNull();
        assertThat(a.call("POST", LocalApiPaths.START, up("alpha", null)).status()).isEqualTo(204);
        a.awaitStatus("running again", s -> s.backendState() == BackendState.RUNNING && !s.peer().isEmpty());

        // logout: the coordinator expires the key, the peer stops accepting it
        assertThat(a.call("POST", LocalApiPaths.LOGOUT, "").status()).isEqualTo(204);
        assertThat(a.status().backendState()).isEqualTo(BackendState.NEEDS_LOGIN);
        assertThat(a.status().haveNodeKey()).isFalse();
        b.awaitStatus("alpha expired", s -> s.peer().values().stream().anyMatch(p -> p.hostName().equals("alpha") && p.expired()));
    }

    @Test
    void aRestartedDaemonComesBackFromItsSavedMapWhileTheCoordinatorIsDown() throws Exception {
        coordinator(0);
        String key = key();
        Path dir = tmp.resolve("a");
        Files.createDirectories(dir);
        DaemonUnderTest a = new DaemonUnderTest(dir);
        DaemonUnderTest b = daemon("b");
        a.call("POST", LocalApiPaths.START, up("alpha", key));
        b.call("POST", LocalApiPaths.START, up("bravo", key));
        Status before = a.awaitStatus("bravo", s -> !s.peer().isEmpty());
        // the netmap is saved within a second of arriving
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!Files.exists(dir.resolve("state/netmap.json")) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        a.close();
        coordinator.close();
        coordinator = null;

        DaemonUnderTest again = new DaemonUnderTest(dir);
        closeables.add(again);
        Status after = again.status();
        assertThat(after.backendState()).isEqualTo(BackendState.RUNNING);
        assertThat(after.self().publicKey()).isEqualTo(before.self().publicKey());
        assertThat(after.tailscaleIps()).isEqualTo(before.tailscaleIps());
        assertThat(again.engine.applied.peers()).hasSize(1);
        assertThat(after.health()).isNotNull();
    }

    @Test
    void interactiveLoginPublishesTheUrlThenFinishes() throws Exception {
        coordinator(0);
        DaemonUnderTest a = daemon("a");
        try (DaemonUnderTest.Watch bus = a.watch(WatchOpt.mask(WatchOpt.INITIAL_STATE))) {
            bus.await("initial state", n -> n.state() != null);
            assertThat(a.call("POST", LocalApiPaths.START, up("laptop", null)).status()).isEqualTo(204);
            assertThat(a.call("POST", LocalApiPaths.LOGIN_INTERACTIVE, "").status()).isEqualTo(204);
            String url = bus.await("BrowseToURL", n -> n.browseToUrl() != null).browseToUrl();
            assertThat(url).startsWith(coordinator.serverUrl() + "/register/");
            assertThat(a.status().authUrl()).isEqualTo(url);
            User bob = coordinator.tailnet().store().createUser(NewUser.local("bob", "Bob", null));
            coordinator.tailnet().completeLogin(url.substring(url.lastIndexOf('/') + 1), bob);
            bus.await("LoginFinished", n -> n.loginFinished());
            bus.await("Running", n -> n.state() == BackendState.RUNNING);
        }
    }

    @Test
    void anExpiredKeyAsksForLoginAndPeersStopAcceptingIt() throws Exception {
        coordinator(0);
        String key = key();
        DaemonUnderTest a = daemon("a");
        DaemonUnderTest b = daemon("b");
        a.call("POST", LocalApiPaths.START, up("alpha", key));
        b.call("POST", LocalApiPaths.START, up("bravo", key));
        Status sb = b.awaitStatus("alpha", s -> !s.peer().isEmpty());
        // b seeing alpha says nothing about alpha's own map having arrived: wait for that too.
        long alphaId = a.awaitStatus("its own map", s -> s.self() != null).self().nodeId();
        try (DaemonUnderTest.Watch bus = a.watch(WatchOpt.mask(WatchOpt.INITIAL_STATE))) {
            bus.await("initial", n -> n.state() != null);
            coordinator.tailnet().setKeyExpiry(alphaId, Instant.now());
            assertThat(bus.await("the expiry", n -> n.errMessage() != null).errMessage()).contains("log in again");
        }
        assertThat(a.status().backendState()).isEqualTo(BackendState.NEEDS_LOGIN);
        b.awaitStatus("alpha expired", s -> s.peer().values().iterator().next().expired());
        assertThat(b.engine.applied.peers().values().iterator().next().expired()).isTrue();
        assertThat(sb.peer()).hasSize(1);
    }

    @Test
    void badRequestsGetClearErrors() throws Exception {
        coordinator(0);
        DaemonUnderTest a = daemon("a");
        HttpResult garbage = a.call("POST", LocalApiPaths.START, "{not json");
        assertThat(garbage.status()).isEqualTo(400);
        assertThat(garbage.bodyText()).contains("\"error\"").contains(ErrorCode.BAD_REQUEST);
        HttpResult empty = a.call("POST", LocalApiPaths.START, "");
        assertThat(empty.status()).isEqualTo(400);
        HttpResult noServer = a.call("POST", LocalApiPaths.START, "{\"UpdatePrefs\":{\"WantRunning\":true}}");
        assertThat(noServer.status()).isEqualTo(400);
        assertThat(noServer.bodyText()).contains("--login-server");
        HttpResult badUrl = a.call("POST", LocalApiPaths.START, "{\"UpdatePrefs\":{\"ControlURL\":\"ftp://x\"}}");
        assertThat(badUrl.status()).isEqualTo(400);
        assertThat(a.call("GET", "/localapi/v0/nope", null).status()).isEqualTo(404);
        assertThat(a.call("DELETE", LocalApiPaths.STATUS, null).status()).isEqualTo(405);
        HttpResult huge = a.call("POST", LocalApiPaths.START, "{\"AuthKey\":\"" + "x".repeat(2 << 20) + "\"}");
        assertThat(huge.status()).isEqualTo(413);
        // a refused key reaches the bus with its code; the daemon keeps serving
        try (DaemonUnderTest.Watch bus = a.watch(WatchOpt.mask(WatchOpt.INITIAL_STATE))) {
            bus.await("initial", n -> n.state() != null);
            a.call("POST", LocalApiPaths.START, up("alpha", "trellis-auth-aaaaaaaaaaaa-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"));
            var err = bus.await("an error", n -> n.errMessage() != null);
            assertThat(err.errCode()).isEqualTo(ErrorCode.AUTH_KEY_REFUSED);
        }
        assertThat(a.status().backendState()).isEqualTo(BackendState.NEEDS_LOGIN);
    }
}
