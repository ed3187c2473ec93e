package dev.trellis.lab.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.coordinator.login.LoginConfig;
import dev.trellis.lab.LabException;
import dev.trellis.lab.LabHost;
import dev.trellis.lab.StaleLabCleaner;
import dev.trellis.lab.mesh.Mesh;
import dev.trellis.lab.mesh.MeshNode;
import dev.trellis.lab.mesh.ScenarioSteps;
import dev.trellis.lab.oidc.BrowserLogin;
import dev.trellis.lab.oidc.OidcProvider;
import dev.trellis.protocol.localapi.BackendState;
import dev.trellis.protocol.localapi.MaskedPrefs;
import dev.trellis.protocol.localapi.PeerStatus;
import dev.trellis.protocol.localapi.Status;
import dev.trellis.protocol.localapi.client.LocalApiException;
import dev.trellis.protocol.localapi.client.UnixSocketLocalApi;
import dev.trellis.protocol.net.IpLiterals;
import dev.trellis.protocol.net.IpPrefix;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The desktop app end to end, every part real: a coordinator that logs users in at an OpenID
 * provider ({@code oidc-provider}), a node "server" joined with a pre-auth key, and a node
 * "laptop" whose trellisd knows its login server but has never logged in; the desktop app
 * ({@code bin/trellis-desktop}) on a private Xvfb display talks to laptop's trellisd over its
 * LocalAPI socket. The user presses Enter in the app's window (its "Log in…" is the default
 * button), logs in at the provider in Chromium, and, with nothing else done, the app shows
 * "Connected as" the provider's user, this device and the server with its path; once traffic
 * flows, a direct path to the server, as {@code trellis status} also says. The methods are the
 * ordered steps of that one story (run the class, not a single method).
 *
 * <p>Networking: only the hub namespace and 198.18.22.0/24. The provider and Chromium run inside
 * the hub ({@code ip netns exec}), so the provider's issuer http://127.0.0.1:PORT is the hub's
 * loopback, which the coordinator (also in the hub) and the browser both reach, and the browser
 * reaches the coordinator at 198.18.22.1:8080 as the nodes do. The display and the app run in
 * the hub too (the app needs no network: the LocalAPI is a Unix socket), so closing the mesh
 * would stop whatever this test's own teardown missed.
 *
 * <p>What the app shows is read from its {@code --state-file}; a screenshot of the display goes
 * to docs/screenshots/e2e-connected.png. Times are printed as {@code LAB event=desktop_… key=value}.
 */
@Tag("root")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class DesktopAppEndToEndTest {
  private static final int SUBNET = 22;
  private static final String CLIENT_ID = "trellis-coordinator";
  private static final String USER = "alice";
  private static final String PASSWORD = "correct horse battery staple";
  /** The user who owns "server" (a local user: the provider's users exist once they log in). */
  private static final String SERVER_OWNER = "ops";
  private static final String WINDOW_TITLE = "Trellis";
  /** Every mesh node's trellisd listens on this UDP port (MeshNode starts it so). */
  private static final int WIREGUARD_PORT = 41641;
  /** For things that take a second or two, on a machine that may be busy. */
  private static final Duration SETTLE = Duration.ofSeconds(60);
  /** Node.js, Chromium and three page loads on a loaded 2-core machine. */
  private static final Duration BROWSER_TIMEOUT = Duration.ofSeconds(90);
  /** The window settles within a frame or two; the rest is for a busy machine (and a fading popup). */
  private static final Duration SCREENSHOT_TIMEOUT = Duration.ofSeconds(30);
  private static final IpPrefix CGNAT = IpPrefix.parse("100.64.0.0/10");

  @TempDir
  static Path tmp;

  private Mesh mesh;
  private OidcProvider provider;
  private DesktopSession desktop;
  private MeshNode server;
  private MeshNode laptop;
  private long loginStartedNanos;

  @RegisterExtension
  final ScenarioSteps steps = new ScenarioSteps(this::diagnostics);

  @BeforeAll
  // A fresh checkout first installs lab/oidc's packages (npm ci, bounded at 10 min by NodeScripts).
  @Timeout(value = 12, unit = TimeUnit.MINUTES)
  void startMeshWithAnOidcCoordinator() throws IOException {
    LabHost.requireReady();
    DesktopSession.requireTools();
    StaleLabCleaner.cleanOnce();
    // The coordinator's URL is fixed by the mesh (the hub's bridge address, port 8080): the
    // provider, which starts first, is told the exact redirect URI to accept.
    URI serverUrl = URI.create("http://198.18." + SUBNET + ".1:8080");
    String secret = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    Path secretFile = writeSecret(secret);
    mesh = Mesh.start(Mesh.logDirFor(DesktopAppEndToEndTest.class), SUBNET, null, hub -> {
      provider = OidcProvider.start(OidcProvider.Settings.of(CLIENT_ID, secret,
          List.of(LoginConfig.Oidc.callbackUri(serverUrl).toString()), Map.of(USER, PASSWORD)).inNetns(hub.name()));
      return List.of("--oidc-issuer", provider.issuer().toString(), "--oidc-client-id", CLIENT_ID,
          "--oidc-client-secret-file", secretFile.toString());
    });
    assertThat(mesh.coordinator().url()).isEqualTo(serverUrl.toString());
    mesh.coordinator().createUser(SERVER_OWNER);
  }

  @AfterAll
  void tearDown() {
    // Each in turn, whatever the one before did; the mesh last (its hub holds the others).
    RuntimeException failure = null;
    for (AutoCloseable c : new AutoCloseable[] {desktop, provider, mesh}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        if (failure == null) {
          failure = new LabException("teardown failed: " + e.getMessage(), e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Test
  @Order(1)
  void serverJoinsWithAKeyAndLaptopKnowsItsLoginServerButIsLoggedOut() throws LocalApiException {
    server = mesh.addNode("server");
    laptop = mesh.addNode("laptop");
    server.awaitDaemon();
    laptop.awaitDaemon();
    server.up(mesh.coordinator().preAuthKey(SERVER_OWNER, false, false));

    // What an administrator's setup (or the app's Preferences) does: set the login server and the
    // name, nothing else. No login starts: the user starts it from the app.
    UnixSocketLocalApi api = new UnixSocketLocalApi(laptop.socket(), Duration.ofSeconds(15), "lab");
    api.editPrefs(MaskedPrefs.builder().controlUrl(mesh.coordinator().url()).hostname("laptop").build());
    Status before = laptop.status();
    assertThat(before.backendState()).isEqualTo(BackendState.NEEDS_LOGIN);
    assertThat(before.haveNodeKey()).isFalse();
    assertThat(before.authUrl()).as("no login in progress").isNullOrEmpty();
    assertThat(api.prefs().controlUrl()).isEqualTo(mesh.coordinator().url());
  }

  @Test
  @Order(2)
  void theAppStartsOnItsOwnDisplayAndShowsLoggedOut() throws IOException {
    desktop = DesktopSession.start(mesh.hub(), Files.createDirectories(tmp.resolve("desktop")), mesh.logDir());
    desktop.startApp(laptop.socket());
    AppState shown = desktop.awaitShown("Logged out, and ready", DesktopSession.START_TIMEOUT,
        s -> "NEEDS_LOGIN".equals(s.state()) && s.readyMillis() >= 0);

    assertThat(shown.statusLine()).isEqualTo("Logged out");
    assertThat(shown.backend()).isEqualTo("NeedsLogin");
    assertThat(shown.tray()).isEqualTo("none");
    assertThat(shown.lastError()).isNull();
    assertThat(desktop.openedUrls()).as("no login page opens unasked").isEmpty();
    report("desktop_ready", "ms", shown.readyMillis(), "state", shown.state(), "tray", shown.tray());
    desktop.screenshotSettled(mesh.logDir().resolve("e2e-logged-out.png"), SCREENSHOT_TIMEOUT);
  }

  @Test
  @Order(3)
  void enterInTheWindowOpensTheLoginPageAndTheUserLogsInAtTheProvider() {
    loginStartedNanos = System.nanoTime();
    desktop.pressEnterIn(WINDOW_TITLE);
    URI loginUrl = desktop.awaitOpenedUrl(SETTLE);
    assertThat(loginUrl.toString()).as("the page the app opened").startsWith(mesh.coordinator().url() + "/");
    report("desktop_login_page_opened", "ms", millisSince(loginStartedNanos));

    BrowserLogin.Result result = BrowserLogin.login(loginUrl, USER, PASSWORD,
        BrowserLogin.urlStartingWith(loginUrl + "/done"), BROWSER_TIMEOUT, mesh.logDir().resolve("browser-stuck.png"),
        mesh.hub().name());

    assertThat(result.pageText()).contains("laptop");
    assertThat(desktop.openedUrls()).as("one login, one page").containsExactly(loginUrl.toString());
    report("desktop_browser_login", "ms", result.elapsed().toMillis());
  }

  @Test
  @Order(4)
  void theAppShowsConnectedAsTheProvidersUserWithItsAddressAndTheServerByItself() {
    AppState shown = desktop.awaitShown("Connected, with server online", SETTLE,
        s -> s.connected() && s.peer("server").map(AppState.Peer::online).orElse(false));
    report("desktop_login_to_connected", "ms", millisSince(loginStartedNanos));

    assertThat(shown.statusLine()).isEqualTo("Connected as " + OidcProvider.emailOf(USER));
    assertThat(shown.backend()).isEqualTo("Running");
    assertThat(shown.self()).isEqualTo("laptop");
    assertThat(shown.selfAddresses()).isNotEmpty();
    assertThat(CGNAT.contains(address(shown.selfAddresses().getFirst()).getAddress()))
        .as("laptop's first address %s is in %s", shown.selfAddresses().getFirst(), CGNAT).isTrue();
    assertThat(shown.selfAddresses().getFirst()).isEqualTo(laptop.ipv4());
    AppState.Peer peer = shown.peer("server").orElseThrow();
    assertThat(peer.user()).isEqualTo(SERVER_OWNER);
    assertThat(peer.addresses()).first().isEqualTo(server.ipv4());
    // No packet has gone to server yet, so the path may not be known; what the row says must fit it.
    assertThat(peer.pathText()).isEqualTo(switch (peer.path()) {
      case "NONE" -> "no path yet";
      case "DIRECT" -> "direct " + server.linkAddress() + ":" + WIREGUARD_PORT;
      default -> throw new AssertionError("server relayed in a mesh without relays: " + peer);
    });
    assertThat(shown.lastError()).isNull();
    report("desktop_server_before_traffic", "path", peer.path(), "path_text", "\"" + peer.pathText() + "\"");
  }

  @Test
  @Order(5)
  void onceTrafficFlowsTheAppShowsADirectPathAndTrellisStatusAgrees() throws IOException {
    laptop.ping(server.ipv4(), Duration.ofSeconds(30));
    AppState shown = desktop.awaitShown("a direct path to server", SETTLE,
        s -> s.connected() && s.peer("server").map(p -> "DIRECT".equals(p.path())).orElse(false));
    AppState.Peer peer = shown.peer("server").orElseThrow();
    // The mesh has no relays: its nodes share one bridge, so the path is straight to server's port.
    assertThat(peer.pathText()).isEqualTo("direct " + server.linkAddress() + ":" + WIREGUARD_PORT);
    assertThat(peer.online()).isTrue();

    Status status = laptop.status();
    assertThat(status.backendState()).isEqualTo(BackendState.RUNNING);
    assertThat(status.self().hostName()).isEqualTo(shown.self());
    assertThat(status.user().get(status.self().userId()).loginName())
        .isEqualTo(shown.statusLine().substring("Connected as ".length()));
    assertThat(ipv4(status.tailscaleIps())).isEqualTo(shown.selfAddresses().getFirst());
    PeerStatus seen = status.peer().values().stream().filter(p -> "server".equals(p.hostName())).findFirst()
        .orElseThrow(() -> new AssertionError("`trellis status` on laptop does not list server: " + status.peer()));
    assertThat(seen.online()).isTrue();
    assertThat(ipv4(seen.tailscaleIps())).isEqualTo(peer.addresses().getFirst());
    assertThat(peer.pathText()).isEqualTo("direct " + seen.curAddr());
    report("desktop_connected", "self", shown.self(), "address", shown.selfAddresses().getFirst(),
        "server_path", peer.path(), "server_endpoint", seen.curAddr());

    Path shot = mesh.logDir().resolve("e2e-connected.png");
    desktop.screenshotSettled(shot, SCREENSHOT_TIMEOUT);
    Path docs = LabHost.repo().resolve("docs/screenshots/e2e-connected.png");
    Files.createDirectories(docs.getParent());
    Files.copy(shot, docs, StandardCopyOption.REPLACE_EXISTING);
  }

  private Path writeSecret(String secret) throws IOException {
    Path file = tmp.resolve("oidc-client-secret");
    Files.writeString(Files.createFile(file, PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rw-------"))), secret + "\n", StandardCharsets.UTF_8);
    return file;
  }

  private String diagnostics() {
    StringBuilder out = new StringBuilder(mesh == null ? "no mesh\n" : mesh.diagnostics());
    out.append(desktop == null ? "no desktop session\n" : desktop.describe());
    if (provider != null) {
      out.append("== ").append(provider).append('\n');
    }
    return out.toString();
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.ofLiteral(literal);
    } catch (IllegalArgumentException e) {
      throw new AssertionError("not an IP address: " + literal, e);
    }
  }

  private static String ipv4(List<InetAddress> addresses) {
    return addresses.stream().filter(a -> a instanceof Inet4Address).findFirst()
        .map(a -> IpLiterals.format(a.getAddress())).orElse(null);
  }

  private static long millisSince(long nanos) {
    return Duration.ofNanos(System.nanoTime() - nanos).toMillis();
  }

  /** {@code LAB event=EVENT key=value…} on stdout and in the mesh log directory's measurements.log. */
  private void report(String event, Object... keyValues) {
    StringBuilder line = new StringBuilder("LAB event=" + event);
    for (int i = 0; i + 1 < keyValues.length; i += 2) {
      line.append(' ').append(keyValues[i]).append('=').append(keyValues[i + 1]);
    }
    System.out.println(line);
    try {
      Files.writeString(mesh.logDir().resolve("measurements.log"), line + "\n", StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new LabException("cannot append to measurements.log: " + e.getMessage(), e);
    }
  }
}
