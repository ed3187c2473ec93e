package dev.trellis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.protocol.localapi.client.LocalApiErrorException;
import dev.trellis.protocol.localapi.ErrorCode;
import dev.trellis.protocol.localapi.NetMapNode;
import dev.trellis.protocol.localapi.UserProfile;
import dev.trellis.protocol.localapi.WhoIsResponse;
import dev.trellis.protocol.net.IpPrefix;
import java.util.List;
import org.junit.jupiter.api.Test;

class WhoisCommandTest {
    private static WhoIsResponse who(List<String> tags) {
        return new WhoIsResponse(new NetMapNode(2, "n2", "server.trellis.test.", 8, null, null,
                List.of(IpPrefix.parse("100.64.0.2/32"), IpPrefix.parse("fd7a:115c:a1e0::2/128")), List.of(), List.of(), 0,
                new NetMapNode.Hostinfo("server", "linux", null, null), null, tags, null, true, true, "server", false),
                new UserProfile(8, "bob@example.com", "Bob", null));
    }

    @Test
    void printsMachineAndUser() {
        CliRunner cli = new CliRunner();
        FakeLocalApi api = cli.api;
        api.whois = who(List.of());
        var r = cli.run("whois", "100.64.0.2:22");
        assertThat(r.exit()).isZero();
        assertThat(api.calls).contains("whois 100.64.0.2:22");
        assertThat(r.out()).contains("Machine:", "server.trellis.test", "100.64.0.2/32 fd7a:115c:a1e0::2/128",
                "User:", "bob@example.com", "Bob");
    }

    @Test
    void taggedNodesShowTagsNotTheirCreator() {
        CliRunner cli = new CliRunner();
        FakeLocalApi api = cli.api;
        api.whois = who(List.of("tag:server"));
        var r = cli.run("whois", "100.64.0.2");
        assertThat(r.out()).contains("Tags:", "tag:server").doesNotContain("User:");
    }

    @Test
    void jsonIsTheDaemonsAnswer() {
        CliRunner cli = new CliRunner();
        FakeLocalApi api = cli.api;
        api.whois = who(List.of());
        var r = cli.run("whois", "--json", "100.64.0.2");
        assertThat(r.out()).contains("\"Node\"", "\"UserProfile\"", "\"LoginName\" : \"bob@example.com\"");
    }

    @Test
    void unknownAddressExitsNotFound() {
        CliRunner cli = new CliRunner();
        FakeLocalApi api = cli.api;
        api.failOn("whois 100.64.0.9", new LocalApiErrorException(404, ErrorCode.NOT_FOUND,
                "no node in this network has address 100.64.0.9", "/localapi/v0/whois"));
        var r = cli.run("whois", "100.64.0.9");
        assertThat(r.exit()).isEqualTo(ExitCode.NOT_FOUND.code());
        assertThat(r.err()).contains("no node in this network has address 100.64.0.9");
    }
}
