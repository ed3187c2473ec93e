package dev.trellis.lab.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.coordinator.Coordinator;
import dev.trellis.coordinator.CoordinatorConfig;
import dev.trellis.coordinator.login.PasswordHasher;
import dev.trellis.coordinator.store.NewUser;
import dev.trellis.lab.oidc.BrowserLogin;
import dev.trellis.lab.oidc.OidcProvider;
import dev.trellis.protocol.localapi.BackendState;
import dev.trellis.protocol.localapi.LocalApiPaths;
import dev.trellis.protocol.localapi.Status;
import dev.trellis.protocol.localapi.WatchOpt;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interactive login end to end: the daemon (LocalAPI, backend, control client) asks to log in,
 * its BrowseToURL is opened in Debian's Chromium, a person logs in at the coordinator's
 * built-in page or at a real OpenID provider, and the daemon becomes Running with its netmap,
 * with nothing else done. Tagged root: it needs chromium and Node.js.
 */
@Tag("root")
@Timeout(120)
class BrowserLoginEndToEndTest {
    private static final Duration BROWSER = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private Coordinator coordinator;
    private OidcProvider provider;
    private DaemonUnderTest daemon;

    @AfterEach
    void tearDown() {
        if (daemon != null) {
            daemon.close();
        }
        if (coordinator != null) {
            coordinator.close();
        }
        if (provider != null) {
            provider.close();
        }
    }

    private void start(CoordinatorConfig.OidcSettings oidc) throws Exception {
        CoordinatorConfig d = CoordinatorConfig.defaults(tmp.resolve("coordinator"));
        coordinator = Coordinator.start(new CoordinatorConfig(new InetSocketAddress("127.0.0.1", 0), null, d.dataDir(),
                null, null, null, "trellis.test", d.nodeKeyExpiry(), d.ephemeralTimeout(), d.keepAlive(), oidc));
        Path dir = tmp.resolve("node");
        Files.createDirectories(dir);
        daemon = new DaemonUnderTest(dir);
    }

    /** `trellis login` as the CLI does it; returns the URL the daemon wants opened. */
    private String login(DaemonUnderTest.Watch bus) throws Exception {
        bus.await("initial state", n -> n.state() != null);
        daemon.call("POST", LocalApiPaths.START, "{\"UpdatePrefs\":{\"ControlURL\":\"" + coordinator.serverUrl()
                + "\",\"Hostname\":\"laptop\",\"WantRunning\":true,\"LoggedOut\":false}}");
        daemon.call("POST", LocalApiPaths.LOGIN_INTERACTIVE, "");
        return bus.await("BrowseToURL", n -> n.browseToUrl() != null).browseToUrl();
    }

    private Status awaitRunning(DaemonUnderTest.Watch bus) throws Exception {
        bus.await("LoginFinished", n -> n.loginFinished());
        bus.await("Running", n -> n.state() == BackendState.RUNNING);
        return daemon.status();
    }

    @Test
    void builtInLoginPage() throws Exception {
        start(null);
        coordinator.tailnet().store().createUser(NewUser.local("alice", "Alice",
                new PasswordHasher().hash("correct horse".toCharArray())));
        try (DaemonUnderTest.Watch bus = daemon.watch(WatchOpt.mask(WatchOpt.INITIAL_STATE))) {
            String url = login(bus);
            BrowserLogin.login(URI.create(url), "alice", "correct horse", BrowserLogin.urlStartingWith(url + "/done"),
                    BROWSER, Path.of(System.getProperty("trellis.lab.logDir", "target/lab-logs"), "login-e2e-local.png"));
            Status s = awaitRunning(bus);
            assertThat(s.self().hostName()).isEqualTo("laptop");
            assertThat(s.user().get(s.self().userId()).loginName()).isEqualTo("alice");
            assertThat(daemon.engine.applied.self().name()).isEqualTo("laptop");
        }
    }

    @Test
    void openIdConnectProvider() throws Exception {
        String secret = "s3cret-" + System.nanoTime();
        provider = OidcProvider.start(OidcProvider.Settings.of("trellis", secret,
                List.of("http://127.0.0.1/oidc/callback"), Map.of("bob", "hunter2")).withAnyLoopbackPort(true));
        start(new CoordinatorConfig.OidcSettings(provider.issuer(), "trellis", secret, null, null, null));
        try (DaemonUnderTest.Watch bus = daemon.watch(WatchOpt.mask(WatchOpt.INITIAL_STATE))) {
            String url = login(bus);
            BrowserLogin.login(URI.create(url), "bob", "hunter2", BrowserLogin.urlStartingWith(url + "/done"),
                    BROWSER, Path.of(System.getProperty("trellis.lab.logDir", "target/lab-logs"), "login-e2e-oidc.png"));
            Status s = awaitRunning(bus);
            assertThat(s.user().get(s.self().userId()).loginName()).isEqualTo(OidcProvider.emailOf("bob"));
            assertThat(s.tailscaleIps()).hasSize(2);
        }
    }
}
