package dev.trellis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.protocol.localapi.PingResult;
import org.junit.jupiter.api.Test;

class PingCommandTest {
    private final CliRunner cli = new CliRunner();

    private String firstPeerName() {
        var p = cli.api.status.peer().values().iterator().next();
        return p.dnsNameNoDot().split("\\.", 2)[0];
    }

    private String firstPeerIp() {
        var p = cli.api.status.peer().values().iterator().next();
        return dev.trellis.protocol.net.IpLiterals.format(p.tailscaleIps().getFirst().getAddress());
    }

    @Test
    void pingsANameByItsIpv4AddressAndPrintsThePath() {
        String ip = firstPeerIp();
        cli.api.pongs.add(new PingResult(ip, ip, "x", null, 0.00123, "198.18.0.2:41641", 0, null, false));
        cli.api.pongs.add(new PingResult(ip, ip, "x", null, 0.0456, null, 0, null, false));
        var r = cli.run("ping", "--icmp", "-i", "0s", "-c", "3", firstPeerName());
        assertThat(r.exit()).isZero();
        assertThat(cli.api.calls).contains("ping " + ip + " ICMP");
        assertThat(r.out()).contains("pong from " + firstPeerName() + " (" + ip + ") via 198.18.0.2:41641 in 1.23ms",
                "in 46ms", "timeout waiting for a reply");
    }

    @Test
    void discoPingsShowEachPathAndStopOnceDirect() {
        String ip = firstPeerIp();
        cli.api.pongs.add(new PingResult(ip, ip, "x", null, 0.012, null, 1, "r1", false));
        cli.api.pongs.add(new PingResult(ip, ip, "x", null, 0.0011, "198.18.0.2:41641", 0, null, false));
        cli.api.pongs.add(new PingResult(ip, ip, "x", null, 0.0011, "198.18.0.2:41641", 0, null, false));
        var r = cli.run("ping", "-i", "0s", firstPeerName());
        assertThat(r.exit()).isZero();
        assertThat(cli.api.calls.stream().filter(c -> c.startsWith("ping "))).containsExactly(
                "ping " + ip + " disco", "ping " + ip + " disco");
        assertThat(r.out()).contains("via relay r1 in 12ms", "via 198.18.0.2:41641 in 1.10ms");
    }

    @Test
    void aPeerThatStaysRelayedIsSaidToBe() {
        String ip = firstPeerIp();
        cli.api.pongs.add(new PingResult(ip, ip, "x", null, 0.012, null, 1, "r1", false));
        cli.api.pongs.add(new PingResult(ip, ip, "x", null, 0.013, null, 1, "r1", false));
        var r = cli.run("ping", "-i", "0s", "-c", "2", firstPeerName());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("direct connection not established");
    }

    @Test
    void noReplyAtAllFails() {
        var r = cli.run("ping", "--icmp", "-i", "0s", "-c", "2", firstPeerIp());
        assertThat(r.exit()).isEqualTo(ExitCode.ERROR.code());
        assertThat(r.err()).contains("no reply from", "ACL policy");
    }

    @Test
    void netcheckPrintsTheReportOrSaysWhyNot() {
        assertThat(cli.run("netcheck").exit()).isNotZero();
        cli.api.netcheck = new dev.trellis.protocol.localapi.NetcheckReport(true, false, "198.18.0.10:41641", null,
                false, 1, java.util.Map.of("1", 0.002), java.util.List.of("UDP: true", "Nearest relay: 1 (r1) 2.0 ms"));
        var r = cli.run("netcheck");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("* UDP: true", "* Nearest relay: 1 (r1) 2.0 ms");
    }

    @Test
    void unknownNamesAndBadCountsAreUsageErrors() {
        assertThat(cli.run("ping", "nosuchnode").exit()).isEqualTo(ExitCode.NOT_FOUND.code());
        assertThat(cli.run("ping", "-c", "0", firstPeerName()).exit()).isEqualTo(ExitCode.USAGE.code());
    }

    @Test
    void metricsPrintsTheDaemonsText() {
        var r = cli.run("metrics");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo("trellis_filter_dropped_no_rule 3\n");
    }
}
