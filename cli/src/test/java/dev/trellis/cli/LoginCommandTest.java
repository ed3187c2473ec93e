package dev.trellis.cli;

import static dev.trellis.protocol.localapi.BackendState.RUNNING;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.protocol.localapi.Notify;
import dev.trellis.protocol.localapi.Prefs;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoginCommandTest {
    static final String URL = "https://coord.example/a/77";
    final CliRunner cli = new CliRunner();
    final FakeLocalApi api = cli.api;

    LoginCommandTest() {
        api.queue(Notify.ofState("0.1.0", RUNNING)); // logged in already: login re-authenticates
        api.onLoginInteractive = () -> api.queue(Notify.ofBrowseToUrl("0.1.0", URL), Notify.ofState("0.1.0", RUNNING));
    }

    @Test
    void asksForAUrlEvenWithANodeKeyAndOpensItOnADesktop() {
        cli.env = Map.of("DISPLAY", ":0");
        var r = cli.run("login", "--login-server", "https://coord.example");
        assertThat(r.exit()).isZero();
        assertThat(api.calls).containsExactly("status", "watch:6", "start", "login-interactive");
        assertThat(api.started.updatePrefs()).isEqualTo(Prefs.builder().controlUrl("https://coord.example")
                .wantRunning(true).loggedOut(false).build());
        assertThat(r.err()).isEqualTo("To authenticate, visit:\n\n\t" + URL + "\n\nSuccess.\n");
        assertThat(cli.opened).containsExactly(URL);
    }

    @Test
    void waylandCountsAsADesktop() {
        cli.env = Map.of("WAYLAND_DISPLAY", "wayland-0");
        assertThat(cli.run("login").exit()).isZero();
        assertThat(cli.opened).containsExactly(URL);
    }

    @Test
    void withoutADesktopTheUrlIsOnlyPrinted() {
        cli.env = Map.of("DISPLAY", "");
        var r = cli.run("login");
        assertThat(r.exit()).isZero();
        assertThat(r.err()).contains(URL);
        assertThat(cli.opened).isEmpty();
    }

    @Test
    void anAuthKeyNeedsNoBrowser() {
        cli.env = Map.of("DISPLAY", ":0");
        api.onStart = () -> api.queue(Notify.ofState("0.1.0", RUNNING));
        var r = cli.run("login", "--auth-key", "tskey-auth-1");
        assertThat(r.exit()).isZero();
        assertThat(api.calls).doesNotContain("login-interactive");
        assertThat(cli.opened).isEmpty();
        assertThat(r.err()).isEmpty();
    }
}
