package dev.trellis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trellis.protocol.localapi.BackendState;
import dev.trellis.protocol.localapi.PeerStatus;
import dev.trellis.protocol.localapi.Status;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusCommandTest {
    final CliRunner cli = new CliRunner();
    final FakeLocalApi api = cli.api;

    @Test
    void tableShowsThisNodeFirstThenPeersByName() {
        var r = cli.run("status");
        assertThat(r.exit()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEqualTo("""
                NAME    ADDRESSES                      USER               OS     STATE    HANDSHAKE  RX       TX       CONNECTION
                laptop  100.64.0.1, fd7a:115c:a1e0::1  alice@example.com  linux  online   -          -        -        this node
                phone   100.64.0.3                     bob@example.com    linux  offline  never      0 B      512 B    relay fra
                server  100.64.0.2, fd7a:115c:a1e0::2  alice@example.com  linux  online   3s ago     1.5 KiB  3.0 MiB  direct 198.18.0.2:41641
                """);
    }

    @Test
    void healthProblemsFollowTheTableAsComments() {
        api.status = LocalApiJsonFixtures.withState(BackendState.STARTING, LocalApiJsonFixtures.self(), Map.of(),
                List.of("cannot reach the coordinator", "no relay"));
        var r = cli.run("status");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).endsWith("\n# Health:\n#   - cannot reach the coordinator\n#   - no relay\n");
    }

    @Test
    void namesFromPeersCannotInjectTerminalControl() {
        PeerStatus evil = LocalApiJsonFixtures.node(LocalApiJsonFixtures.PHONE, "x", 7, List.of(), null, null, 0, 0,
                null, true);
        evil = new PeerStatus(evil.id(), 0, evil.publicKey(), "\u001b[2Jevil\nname", null, "li\u009bnux", 7,
                List.of(), List.of(), List.of(), List.of(), null, null, 0, 0, null, null, null, null, true, false,
                false, null);
        api.status = LocalApiJsonFixtures.withState(BackendState.RUNNING, LocalApiJsonFixtures.self(),
                Map.of(LocalApiJsonFixtures.PHONE, evil), List.of());
        var r = cli.run("status");
        assertThat(r.out()).contains("?[2Jevil name", "li?nux").doesNotContain("\u001b", "\u009b");
        assertThat(r.out().lines()).hasSize(3);
    }

    @Test
    void jsonIsTheDaemonsStatusWithEveryFieldKept() throws Exception {
        api.statusJson = "{\"Version\":\"0.1.0\",\"BackendState\":\"NeedsLogin\",\"FromTheFuture\":{\"x\":[1,2]}}";
        var r = cli.run("status", "--json");
        assertThat(r.exit()).as("--json reports any state").isZero();
        ObjectMapper m = new ObjectMapper();
        assertThat(m.readTree(r.out())).isEqualTo(m.readTree(api.statusJson));
        assertThat(r.out()).contains("\n"); // indented for people
    }

    @Test
    void malformedJsonFromTheDaemonIsAnError() {
        api.statusJson = "<html>not json";
        var r = cli.run("status", "--json");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).hasLineCount(1).startsWith("trellisd sent malformed status JSON");
    }

    @Test
    void aNodeThatIsNotUpFailsWithItsOwnCode() {
        record Case(Status st, ExitCode exit, String line) {}
        Status loggedOutWithUrl = new Status("0.1.0", true, BackendState.NEEDS_LOGIN, false,
                "https://coord.example/a/1", List.of(), null, List.of(), null, null, Map.of(), Map.of());
        for (Case c : List.of(
                new Case(LocalApiJsonFixtures.loggedOut(), ExitCode.NEEDS_LOGIN,
                        "logged out: run `trellis up` or `trellis login`"),
                new Case(loggedOutWithUrl, ExitCode.NEEDS_LOGIN,
                        "logged out: log in at https://coord.example/a/1 or run `trellis up`"),
                new Case(LocalApiJsonFixtures.withState(BackendState.NEEDS_MACHINE_AUTH, null, Map.of(), List.of()),
                        ExitCode.NEEDS_LOGIN,
                        "this node awaits approval: ask an administrator to approve it on the coordinator"),
                new Case(LocalApiJsonFixtures.withState(BackendState.STOPPED, LocalApiJsonFixtures.self(), Map.of(),
                        List.of()), ExitCode.STOPPED, "trellis is stopped: run `trellis up`"),
                new Case(LocalApiJsonFixtures.withState(BackendState.NO_STATE, null, Map.of(), List.of()),
                        ExitCode.STOPPED, "trellis has not been started: run `trellis up`"))) {
            api.status = c.st();
            var r = cli.run("status");
            assertThat(r.exit()).as(c.line()).isEqualTo(c.exit().code());
            assertThat(r.err()).isEqualTo(c.line() + "\n");
            assertThat(r.out()).isEmpty();
        }
    }
}
