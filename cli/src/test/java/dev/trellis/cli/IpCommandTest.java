package dev.trellis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.protocol.localapi.BackendState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IpCommandTest {
    final CliRunner cli = new CliRunner();
    final FakeLocalApi api = cli.api;

    @Test
    void thisNodesAddressesOnePerLine() {
        assertThat(cli.run("ip").out()).isEqualTo("100.64.0.1\nfd7a:115c:a1e0::1\n");
        assertThat(cli.run("ip", "-4").out()).isEqualTo("100.64.0.1\n");
        assertThat(cli.run("ip", "-6").out()).isEqualTo("fd7a:115c:a1e0::1\n");
    }

    @Test
    void aPeerByShortNameDnsNameHostnameOrAddress() {
        for (String name : List.of("server", "SERVER", "server.alice.trellis.internal",
                "server.alice.trellis.internal.", "100.64.0.2", "fd7a:115c:a1e0::2", "fd7a:115c:a1e0:0::2")) {
            var r = cli.run("ip", "-4", name);
            assertThat(r.exit()).as(name).isZero();
            assertThat(r.out()).as(name).isEqualTo("100.64.0.2\n");
        }
        assertThat(cli.run("ip", "laptop").out()).isEqualTo("100.64.0.1\nfd7a:115c:a1e0::1\n");
    }

    @Test
    void unknownAmbiguousAndMissingFamilyAreClearErrors() {
        var unknown = cli.run("ip", "printer");
        assertThat(unknown.exit()).isEqualTo(ExitCode.NOT_FOUND.code());
        assertThat(unknown.err()).isEqualTo("no node named 'printer': see `trellis status` for the names\n");

        var noV6 = cli.run("ip", "-6", "phone");
        assertThat(noV6.exit()).isEqualTo(1);
        assertThat(noV6.err()).isEqualTo("phone has no IPv6 address\n");

        var peers = LocalApiJsonFixtures.peers();
        var twin = LocalApiJsonFixtures.node(LocalApiJsonFixtures.SELF, "server", 7,
                List.of(LocalApiJsonFixtures.ip("100.64.0.9")), null, null, 0, 0, null, true);
        twin = new dev.trellis.protocol.localapi.PeerStatus(twin.id(), 9, twin.publicKey(), "server",
                "server-1.alice.trellis.internal.", "linux", 7, twin.tailscaleIps(), List.of(), List.of(), List.of(),
                null, null, 0, 0, null, null, null, null, true, false, false, null);
        api.status = LocalApiJsonFixtures.withState(BackendState.RUNNING, twin, peers, List.of());
        var ambiguous = cli.run("ip", "server");
        assertThat(ambiguous.exit()).isEqualTo(2);
        assertThat(ambiguous.err()).hasLineCount(1)
                .contains("names several nodes (server-1.alice.trellis.internal, server.alice.trellis.internal)");
        assertThat(cli.run("ip", "server-1").out()).isEqualTo("100.64.0.9\n");
    }

    @Test
    void bothFamiliesAtOnceIsAUsageError() {
        var r = cli.run("ip", "-4", "-6");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).hasLineCount(1).endsWith("see `trellis ip --help`\n");
    }

    @Test
    void loggedOutOrStoppedWithoutAddressesSayWhatToDo() {
        api.status = LocalApiJsonFixtures.loggedOut();
        var r = cli.run("ip");
        assertThat(r.exit()).isEqualTo(ExitCode.NEEDS_LOGIN.code());
        assertThat(r.err()).isEqualTo("logged out, so there are no addresses: run `trellis up`\n");
        assertThat(cli.run("ip", "server").exit()).isEqualTo(ExitCode.NEEDS_LOGIN.code());

        api.status = LocalApiJsonFixtures.withState(BackendState.NO_STATE, null, Map.of(), List.of());
        var stopped = cli.run("ip");
        assertThat(stopped.exit()).isEqualTo(ExitCode.STOPPED.code());
        assertThat(stopped.err()).isEqualTo("this node has no addresses: run `trellis up`\n");
    }

    @Test
    void aStoppedNodeStillKnowsItsAddresses() {
        api.status = LocalApiJsonFixtures.withState(BackendState.STOPPED, LocalApiJsonFixtures.self(), Map.of(),
                List.of());
        assertThat(cli.run("ip", "-4").out()).isEqualTo("100.64.0.1\n");
    }
}
