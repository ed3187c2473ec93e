package dev.trellis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.protocol.localapi.client.DaemonNotRunningException;
import dev.trellis.protocol.localapi.client.LocalApiErrorException;
import dev.trellis.protocol.localapi.client.LocalApiException;
import dev.trellis.protocol.localapi.client.LocalApiIoException;
import dev.trellis.protocol.localapi.client.LocalApiTimeoutException;
import dev.trellis.protocol.localapi.client.PermissionDeniedException;
import dev.trellis.protocol.localapi.ErrorCode;
import dev.trellis.protocol.localapi.MaskedPrefs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** down, logout, version, help, and how every LocalAPI failure maps to an exit code. */
class SimpleCommandsTest {
    final CliRunner cli = new CliRunner();
    final FakeLocalApi api = cli.api;

    @Test
    void downPatchesWantRunningOff() {
        var r = cli.run("down");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEmpty();
        assertThat(api.edited).isEqualTo(MaskedPrefs.builder().wantRunning(false).build());
    }

    @Test
    void logoutPostsLogout() {
        var r = cli.run("logout");
        assertThat(r.exit()).isZero();
        assertThat(api.calls).containsExactly("logout");
    }

    @Test
    void versionNeedsNoDaemon() {
        var r = cli.run("version");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo(CliVersion.get() + "\n");
        assertThat(api.calls).isEmpty();
    }

    @Test
    void helpGoesToStdoutAndAMissingCommandIsAUsageError() {
        var help = cli.run("--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("Usage: trellis", "--socket", "up", "status", "ip");
        var none = cli.run();
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).isEqualTo("missing command: run `trellis --help` to see them\n");
        var unknown = cli.run("frobnicate");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).hasLineCount(1).endsWith("see `trellis --help`\n");
    }

    @Test
    void theSocketOptionReachesTheConnector() {
        List<Path> seen = new ArrayList<>();
        var env = new CliEnvironment(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
                p -> {
                    seen.add(p);
                    return api;
                }, Map.of(), Clock.systemUTC(), url -> { });
        assertThat(Trellis.run(new String[] {"--socket", "/tmp/t.sock", "down"}, env)).isZero();
        assertThat(Trellis.run(new String[] {"logout"}, env)).isZero();
        assertThat(seen).containsExactly(Path.of("/tmp/t.sock"), Path.of("/var/run/trellis/trellisd.sock"));
    }

    record Case(LocalApiException thrown, ExitCode exit, String line) {}

    @Test
    void everyLocalApiFailureIsOneLineWithItsOwnExitCode() {
        for (Case c : new Case[] {
            new Case(new DaemonNotRunningException("trellisd is not running (x)"), ExitCode.DAEMON_NOT_RUNNING,
                    "trellisd is not running (x)"),
            new Case(new PermissionDeniedException("cannot open /s.sock", null), ExitCode.PERMISSION_DENIED,
                    "permission denied (cannot open /s.sock): run as root (e.g. with sudo)"),
            new Case(new LocalApiErrorException(500, ErrorCode.CONTROL_UNREACHABLE, "dial tcp: refused", "/p"),
                    ExitCode.CONTROL_UNREACHABLE, "cannot reach the login server (dial tcp: refused): "
                    + "check --login-server and the network, then retry"),
            new Case(new LocalApiErrorException(400, ErrorCode.AUTH_KEY_REFUSED, "key used", "/p"),
                    ExitCode.AUTH_KEY_REFUSED, "auth key refused (key used): create a new key on the coordinator "
                    + "and pass it with --auth-key"),
            new Case(new LocalApiErrorException(409, ErrorCode.NEEDS_LOGIN, "no key", "/p"), ExitCode.NEEDS_LOGIN,
                    "not logged in (no key): run `trellis up` or `trellis login`"),
            new Case(new LocalApiErrorException(500, null, "disk full\nsecond\u001b[2J line", "/localapi/v0/logout"),
                    ExitCode.ERROR, "trellisd refused /localapi/v0/logout (HTTP 500): disk full second?[2J line"),
            new Case(new LocalApiErrorException(404, null, "404 page not found", "/localapi/v0/logout"),
                    ExitCode.ERROR, "trellisd does not serve /localapi/v0/logout (HTTP 404): is it older than this "
                    + "trellis? Update trellisd"),
            new Case(new LocalApiTimeoutException("trellisd did not answer /p within 60s"), ExitCode.TIMEOUT,
                    "trellisd did not answer /p within 60s"),
            new Case(new LocalApiIoException("malformed reply to /p", null), ExitCode.ERROR, "malformed reply to /p"),
        }) {
            CliRunner runner = new CliRunner();
            runner.api.failOn("logout", c.thrown());
            var r = runner.run("logout");
            assertThat(r.exit()).as(c.line()).isEqualTo(c.exit().code());
            assertThat(r.err()).isEqualTo(c.line() + "\n");
        }
    }

    @Test
    void aBugIsOneLineAskingForAReport() {
        StringWriter err = new StringWriter();
        var env = new CliEnvironment(new PrintWriter(new StringWriter()), new PrintWriter(err),
                p -> {
                    throw new IllegalStateException("bug");
                }, Map.of(), Clock.systemUTC(), url -> { });
        assertThat(Trellis.run(new String[] {"logout"}, env)).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("internal error (java.lang.IllegalStateException: bug): "
                + "please report it; set TRELLIS_DEBUG=1 for details\n");
    }

    @Test
    void exitCodesAreDistinctAndStable() {
        assertThat(Arrays.stream(ExitCode.values()).map(ExitCode::code).distinct().count())
                .isEqualTo(ExitCode.values().length);
        assertThat(ExitCode.OK.code()).isZero();
        assertThat(ExitCode.USAGE.code()).isEqualTo(picocli.CommandLine.ExitCode.USAGE);
        assertThat(ExitCode.DAEMON_NOT_RUNNING.code()).isEqualTo(3);
        assertThat(ExitCode.PERMISSION_DENIED.code()).isEqualTo(4);
        assertThat(ExitCode.CONTROL_UNREACHABLE.code()).isEqualTo(5);
        assertThat(ExitCode.AUTH_KEY_REFUSED.code()).isEqualTo(6);
        assertThat(ExitCode.TIMEOUT.code()).isEqualTo(7);
        assertThat(ExitCode.NEEDS_LOGIN.code()).isEqualTo(8);
    }
}
