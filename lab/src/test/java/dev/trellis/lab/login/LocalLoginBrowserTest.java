package dev.trellis.lab.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trellis.coordinator.login.LoginConfig;
import dev.trellis.coordinator.login.PasswordHasher;
import dev.trellis.coordinator.store.NewUser;
import dev.trellis.coordinator.store.User;
import dev.trellis.lab.login.LoginCoordinator.Device;
import dev.trellis.lab.oidc.BrowserLogin;
import dev.trellis.lab.oidc.BrowserLoginException;
import dev.trellis.protocol.control.RegisterResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator's embedded login page in Chromium: a person fills in the form at the auth URL,
 * and the node waiting on that URL is authorized as them; the URL then works no more. Tagged
 * root with the other lab tests: it needs Debian's chromium and Node.js.
 */
@Tag("root")
@Timeout(60)
class LocalLoginBrowserTest {
  private static final String PASSWORD = "pa$$ wörd & <more>";
  private static final Duration BROWSER_TIMEOUT = Duration.ofSeconds(20);

  @TempDir
  static Path dir;
  private static LoginCoordinator coordinator;
  private static User alice;

  @BeforeAll
  static void start() throws IOException {
    coordinator = LoginCoordinator.start(dir, url -> LoginConfig.local());
    alice = coordinator.store.createUser(NewUser.local("alice", "Alice", new PasswordHasher().hash(PASSWORD.toCharArray())));
  }

  @AfterAll
  static void stop() {
    if (coordinator != null) {
      coordinator.close();
    }
  }

  @Test
  void aBrowserLoginAuthorizesTheWaitingNodeAndTheUrlThenSaysAlreadyUsed() throws Exception {
    Device laptop = coordinator.pendingDevice("laptop");
    CompletableFuture<RegisterResponse> followup = coordinator.followup(laptop);

    BrowserLogin.Result result = BrowserLogin.login(laptop.authUrl(), "alice", PASSWORD,
        BrowserLogin.urlStartingWith(laptop.authUrl() + "/done"), BROWSER_TIMEOUT, screenshot("local-success"));

    assertThat(result.pageText()).contains("Logged in. laptop is now connected; you can close this window.");
    RegisterResponse registered = followup.get(10, TimeUnit.SECONDS);
    assertThat(registered.machineAuthorized()).isTrue();
    assertThat(registered.user().id()).isEqualTo(alice.id());
    assertThat(registered.user().loginName()).isEqualTo("alice");
    assertThat(coordinator.store.nodeByMachineKey(laptop.machine().publicKey()))
        .hasValueSatisfying(n -> assertThat(n.userId()).isEqualTo(alice.id()));

    BrowserLogin.Result again = BrowserLogin.login(laptop.authUrl(), "alice", PASSWORD,
        BrowserLogin.urlStartingWith(laptop.authUrl().toString()), BROWSER_TIMEOUT, screenshot("local-replay"));
    assertThat(again.pageText()).contains("already been used").contains("trellis login");
    assertThat(coordinator.store.listNodes()).hasSize(1);
  }

  @Test
  void aWrongPasswordShowsTheFormAgainAndAuthorizesNothing() throws Exception {
    Device desktop = coordinator.pendingDevice("desktop");
    CompletableFuture<RegisterResponse> followup = coordinator.followup(desktop);

    assertThatThrownBy(() -> BrowserLogin.login(desktop.authUrl(), "alice", "not the password",
        BrowserLogin.urlStartingWith(desktop.authUrl() + "/done"), BROWSER_TIMEOUT, null))
        .isInstanceOf(BrowserLoginException.class)
        .hasMessageContaining("credentials rejected")
        .hasMessageContaining("Invalid username or password.");

    assertThat(followup).isNotDone();
    assertThat(coordinator.store.nodeByMachineKey(desktop.machine().publicKey())).isEmpty();
    String requestId = desktop.authUrl().getPath().substring("/register/".length());
    assertThat(coordinator.store.authRequestById(requestId)).hasValueSatisfying(r -> assertThat(r.isCompleted()).isFalse());
  }

  static Path screenshot(String name) {
    return Path.of(System.getProperty("trellis.lab.logDir", "target/lab-logs"), "login", name + ".png");
  }
}
