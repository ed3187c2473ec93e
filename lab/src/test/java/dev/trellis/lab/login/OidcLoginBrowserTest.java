package dev.trellis.lab.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trellis.coordinator.login.LoginConfig;
import dev.trellis.coordinator.store.User;
import dev.trellis.lab.login.LoginCoordinator.Device;
import dev.trellis.lab.oidc.BrowserLogin;
import dev.trellis.lab.oidc.BrowserLoginException;
import dev.trellis.lab.oidc.OidcProvider;
import dev.trellis.protocol.control.RegisterResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logging in at a real OpenID provider ({@code oidc-provider} on loopback) in Chromium: the auth
 * URL sends the browser to the provider, the person logs in and consents, the provider sends it
 * back to the coordinator's callback, and the node waiting on the URL is authorized as the
 * provider's user. Tagged root with the other lab tests: it needs Debian's chromium and Node.js.
 */
@Tag("root")
@Timeout(90)
class OidcLoginBrowserTest {
  private static final String CLIENT_ID = "trellis-coordinator";
  private static final String CLIENT_SECRET = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
  private static final String PASSWORD = "password";
  private static final Duration BROWSER_TIMEOUT = Duration.ofSeconds(20);

  @TempDir
  static Path dir;
  private static OidcProvider provider;
  private static LoginCoordinator coordinator;

  @BeforeAll
  static void start() throws IOException {
    // The coordinator listens first, so the provider can be told its exact redirect URI; its
    // login pages discover the provider once that runs.
    coordinator = LoginCoordinator.start(dir, serverUrl -> {
      String redirect = LoginConfig.Oidc.callbackUri(serverUrl).toString();
      provider = OidcProvider.start(CLIENT_ID, CLIENT_SECRET, List.of(redirect), Map.of("alice", PASSWORD));
      return LoginConfig.oidc(LoginConfig.Oidc.of(provider.issuer(), CLIENT_ID, CLIENT_SECRET, serverUrl));
    });
  }

  @AfterAll
  static void stop() {
    if (coordinator != null) {
      coordinator.close();
    }
    if (provider != null) {
      provider.close();
    }
  }

  @Test
  void aLoginAtTheProviderAuthorizesTheWaitingNodeAsTheProvidersUser() throws Exception {
    Device laptop = coordinator.pendingDevice("laptop");
    CompletableFuture<RegisterResponse> followup = coordinator.followup(laptop);

    BrowserLogin.Result result = BrowserLogin.login(laptop.authUrl(), "alice", PASSWORD,
        BrowserLogin.urlStartingWith(laptop.authUrl() + "/done"), BROWSER_TIMEOUT,
        LocalLoginBrowserTest.screenshot("oidc-success"));

    assertThat(result.pageText()).contains("Logged in. laptop is now connected");
    RegisterResponse registered = followup.get(10, TimeUnit.SECONDS);
    assertThat(registered.machineAuthorized()).isTrue();
    assertThat(registered.user().loginName()).isEqualTo(OidcProvider.emailOf("alice"));
    User alice = coordinator.store.userByProviderSubject("oidc:" + provider.issuer(), "alice").orElseThrow();
    assertThat(alice.loginName()).isEqualTo("alice@example.test");
    assertThat(alice.name()).isEqualTo("alice");
    assertThat(coordinator.store.nodeByMachineKey(laptop.machine().publicKey()))
        .hasValueSatisfying(n -> assertThat(n.userId()).isEqualTo(alice.id()));
  }

  @Test
  void aWrongPasswordAtTheProviderNeverAuthorizes() throws Exception {
    Device desktop = coordinator.pendingDevice("desktop");
    CompletableFuture<RegisterResponse> followup = coordinator.followup(desktop);

    assertThatThrownBy(() -> BrowserLogin.login(desktop.authUrl(), "alice", "wrong " + PASSWORD,
        BrowserLogin.urlStartingWith(desktop.authUrl() + "/done"), BROWSER_TIMEOUT, null))
        .isInstanceOf(BrowserLoginException.class)
        .hasMessageContaining("credentials rejected");

    assertThat(followup).isNotDone();
    assertThat(coordinator.store.nodeByMachineKey(desktop.machine().publicKey())).isEmpty();
  }
}
