package dev.trellis.cli;

import static dev.trellis.protocol.localapi.BackendState.NEEDS_LOGIN;
import static dev.trellis.protocol.localapi.BackendState.RUNNING;
import static dev.trellis.protocol.localapi.BackendState.STARTING;
import static dev.trellis.protocol.localapi.BackendState.STOPPED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.protocol.localapi.client.DaemonNotRunningException;
import dev.trellis.protocol.localapi.client.PermissionDeniedException;
import dev.trellis.protocol.localapi.BackendState;
import dev.trellis.protocol.localapi.ErrorCode;
import dev.trellis.protocol.localapi.Notify;
import dev.trellis.protocol.localapi.Prefs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UpCommandTest {
    static final String URL = "https://coord.example/a/4f2c";
    final CliRunner cli = new CliRunner();
    final FakeLocalApi api = cli.api;

    static Notify state(BackendState s) {
        return Notify.ofState("0.1.0", s);
    }

    void loggedOutDaemon() {
        api.status = LocalApiJsonFixtures.loggedOut();
        api.queue(state(NEEDS_LOGIN)); // the watch's first message: the state before start
    }

    @Test
    void interactiveLoginOpensTheWatchFirstPrintsTheUrlAndSucceeds() {
        loggedOutDaemon();
        api.onStart = () -> api.queue(state(NEEDS_LOGIN));
        api.onLoginInteractive = () -> api.queue(Notify.ofBrowseToUrl("0.1.0", URL), state(STARTING),
                Notify.ofLoginFinished("0.1.0"), state(RUNNING));

        var r = cli.run("up", "--login-server", "https://coord.example", "--hostname", "laptop");

        assertThat(r.exit()).isZero();
        assertThat(api.calls).containsExactly("status", "watch:6", "start", "login-interactive");
        assertThat(api.started.authKey()).isNull();
        assertThat(api.started.updatePrefs()).isEqualTo(Prefs.builder().controlUrl("https://coord.example")
                .hostname("laptop").wantRunning(true).loggedOut(false).build());
        assertThat(r.err()).isEqualTo("To authenticate, visit:\n\n\t" + URL + "\n\nSuccess.\n");
        assertThat(r.out()).isEmpty();
        assertThat(api.watchClosed).isTrue();
        assertThat(cli.opened).as("up never opens a browser").isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"--accept-dns, true", "--accept-dns=true, true", "--accept-dns=false, false"})
    void acceptDnsSetsCorpDns(String flag, boolean value) {
        api.status = LocalApiJsonFixtures.withState(STOPPED, LocalApiJsonFixtures.self(), java.util.Map.of(), List.of());
        api.queue(state(STOPPED));
        api.onStart = () -> api.queue(state(STARTING), state(RUNNING));

        assertThat(cli.run("up", flag).exit()).isZero();
        assertThat(api.started.updatePrefs())
                .isEqualTo(Prefs.builder().corpDns(value).wantRunning(true).loggedOut(false).build());
    }

    @Test
    void bareUpOnlyAsksToRunAndKeepsOtherPrefs() {
        api.status = LocalApiJsonFixtures.withState(STOPPED, LocalApiJsonFixtures.self(), java.util.Map.of(), List.of());
        api.queue(state(STOPPED));
        api.onStart = () -> api.queue(state(STARTING), state(RUNNING));

        var r = cli.run("up");

        assertThat(r.exit()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(api.calls).containsExactly("status", "watch:6", "start");
        assertThat(api.started.updatePrefs()).isEqualTo(Prefs.builder().wantRunning(true).loggedOut(false).build());
    }

    @Test
    void authKeyLogsInWithoutAskingForAUrlAndHidesStaleOnes() {
        loggedOutDaemon();
        api.onStart = () -> api.queue(Notify.ofBrowseToUrl("0.1.0", URL), state(STARTING), state(RUNNING));

        var r = cli.run("up", "--auth-key", "tskey-auth-secret");

        assertThat(r.exit()).isZero();
        assertThat(api.calls).containsExactly("status", "watch:6", "start");
        assertThat(api.started.authKey()).isEqualTo("tskey-auth-secret");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void anExpiredKeyAsksForALoginUrlOnceWhenTheDaemonSaysNeedsLogin() {
        api.status = LocalApiJsonFixtures.withState(NEEDS_LOGIN, LocalApiJsonFixtures.self(), java.util.Map.of(), List.of());
        api.queue(state(NEEDS_LOGIN));
        api.onStart = () -> api.queue(state(NEEDS_LOGIN), state(NEEDS_LOGIN));
        api.onLoginInteractive = () -> api.queue(Notify.ofBrowseToUrl("0.1.0", URL),
                Notify.ofBrowseToUrl("0.1.0", URL), state(RUNNING));

        var r = cli.run("up");

        assertThat(r.exit()).isZero();
        assertThat(api.calls).containsExactly("status", "watch:6", "start", "login-interactive");
        assertThat(r.err()).as("the same URL is printed once").isEqualTo(
                "To authenticate, visit:\n\n\t" + URL + "\n\nSuccess.\n");
    }

    @ParameterizedTest
    @CsvSource(nullValues = "none", value = {
        "auth-key-refused,    6, auth key refused (key expired): create a new key",
        "control-unreachable, 5, cannot reach the login server (key expired): check --login-server",
        "needs-login,         8, not logged in (key expired): run `trellis up`",
        "none,                1, trellisd reported an error: key expired",
        "from-the-future,     1, trellisd reported an error: key expired",
    })
    void errMessageFailsWithTheExitCodeOfItsCode(String code, int exit, String line) {
        loggedOutDaemon();
        api.onStart = () -> api.queue(state(STARTING), Notify.ofError("0.1.0", code, "key expired"));

        var r = cli.run("up", "--auth-key", "tskey-auth-secret");

        assertThat(r.exit()).isEqualTo(exit);
        assertThat(r.err()).startsWith(line).endsWith("\n").hasLineCount(1).doesNotContain("tskey-auth-secret");
        assertThat(ExitCode.values()).extracting(ExitCode::code).contains(exit);
    }

    @Test
    void timeoutSaysHowLongAndTheLastState() {
        loggedOutDaemon();
        api.onStart = () -> api.queue(state(STARTING));

        var r = cli.run("up", "--auth-key", "k", "--timeout", "30s");

        assertThat(r.exit()).isEqualTo(ExitCode.TIMEOUT.code());
        assertThat(r.err()).isEqualTo("timed out after 30s waiting for trellisd to reach Running (state: Starting): "
                + "check `trellis status`, or raise --timeout\n");
    }

    @Test
    void daemonStoppingMidwayIsDaemonNotRunning() {
        loggedOutDaemon();
        api.busEndsWithClose = true;
        var r = cli.run("up", "--auth-key", "k");
        assertThat(r.exit()).isEqualTo(ExitCode.DAEMON_NOT_RUNNING.code());
        assertThat(r.err()).hasLineCount(1).contains("closed the notification stream");
    }

    @Test
    void daemonNotRunningStopsBeforeAnythingElse() {
        api.failOn("status", new DaemonNotRunningException(
                "trellisd is not running (no socket at /x.sock): start it with `sudo trellisd` or `systemctl start trellisd`"));
        var r = cli.run("up");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).isEqualTo("trellisd is not running (no socket at /x.sock): start it with "
                + "`sudo trellisd` or `systemctl start trellisd`\n");
        assertThat(api.calls).containsExactly("status");
    }

    @Test
    void permissionDeniedNamesTheGroup() {
        loggedOutDaemon();
        api.failOn("start", new PermissionDeniedException("access denied", "trellis"));
        var r = cli.run("up");
        assertThat(r.exit()).isEqualTo(4);
        assertThat(r.err()).isEqualTo("permission denied (access denied): run as root or join group trellis\n");
        assertThat(api.watchClosed).isTrue();
    }

    @Test
    void badArgumentsAreOneUsageLine() {
        for (String[] args : List.of(
                new String[] {"up", "--timeout", "5x"},
                new String[] {"up", "--timeout", "-5s"},
                new String[] {"up", "--login-server", "ftp://coord.example"},
                new String[] {"up", "--login-server", "coord.example"},
                new String[] {"up", "--hostname", "my laptop"},
                new String[] {"up", "--frobnicate"},
                new String[] {"up", "extra"})) {
            var r = cli.run(args);
            assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.err()).as(String.join(" ", args)).hasLineCount(1).endsWith("see `trellis up --help`\n");
        }
        assertThat(cli.run("up", "--timeout", "5x").err()).contains("'5x' is not a duration: use e.g. 30s");
        assertThat(api.calls).isEmpty();
    }

    @Test
    void authKeyFromAFileNeverShowsTheKey(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("key");
        Files.writeString(file, "tskey-from-file\n");
        loggedOutDaemon();
        api.onStart = () -> api.queue(state(RUNNING));

        assertThat(cli.run("up", "--auth-key", "file:" + file).exit()).isZero();
        assertThat(api.started.authKey()).isEqualTo("tskey-from-file");

        var missing = cli.run("up", "--auth-key", "file:" + dir.resolve("nope"));
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).hasLineCount(1).contains("cannot read the auth key file");

        var spaced = cli.run("up", "--auth-key", "tskey secret");
        assertThat(spaced.exit()).isEqualTo(2);
        assertThat(spaced.err()).doesNotContain("secret");
    }

    @Test
    void aLoginUrlThatIsNotPlainHttpIsNeitherShownNorOpened() {
        loggedOutDaemon();
        api.onLoginInteractive = () -> api.queue(Notify.ofBrowseToUrl("0.1.0", "https://x.example/\u001b]0;pwned\u0007"));
        var r = cli.run("login");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).hasLineCount(1).contains("not a plain http(s) URL").doesNotContain("\u001b");
        assertThat(cli.opened).isEmpty();
    }
}
