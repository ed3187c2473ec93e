package dev.trellis.engine.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResolvedManagerTest {
    /** Records every command; answers with {@code answer} (exit 0 by default). */
    static final class RecordingRunner implements CommandRunner {
        final List<List<String>> commands = new ArrayList<>();
        Function<List<String>, Result> answer = argv -> new Result(0, "", "");

        @Override
        public Result run(List<String> argv, Duration timeout) throws IOException {
            commands.add(List.copyOf(argv));
            return answer.apply(argv);
        }
    }

    @TempDir
    Path dir;

    private ResolvedManager manager(ResolvedManager.Tool tool, RecordingRunner runner) throws IOException {
        Path net = Files.createDirectories(dir.resolve("sys/class/net/trellis0"));
        Files.writeString(net.resolve("ifindex"), "7\n");
        return new ResolvedManager("trellis0", tool, runner, dir.resolve("uplink.conf"), dir.resolve("sys/class/net"));
    }

    @Test
    void resolvectlSetsTheLinksServerAndRoutingDomain() throws Exception {
        RecordingRunner r = new RecordingRunner();
        ResolvedManager m = manager(ResolvedManager.Tool.RESOLVECTL, r);
        m.apply(new OsDnsConfig(List.of(MagicDns.SERVICE_IPV4, MagicDns.SERVICE_IPV6), List.of("corp.example"),
                List.of("trellis.internal", "corp.example")));
        assertThat(r.commands).containsExactly(
                List.of("resolvectl", "dns", "trellis0", "100.100.100.100", "fd7a:115c:a1e0::53"),
                List.of("resolvectl", "domain", "trellis0", "corp.example", "~trellis.internal"),
                List.of("resolvectl", "default-route", "trellis0", "false"),
                List.of("resolvectl", "llmnr", "trellis0", "no"),
                List.of("resolvectl", "mdns", "trellis0", "no"));
        assertThat(m.supportsMatchDomains()).isTrue();
    }

    @Test
    void aRootMatchDomainRoutesEverythingToUs() throws Exception {
        RecordingRunner r = new RecordingRunner();
        manager(ResolvedManager.Tool.RESOLVECTL, r).apply(new OsDnsConfig(List.of(MagicDns.SERVICE_IPV4),
                List.of(), List.of(".")));
        assertThat(r.commands.get(1)).containsExactly("resolvectl", "domain", "trellis0", "~.");
        assertThat(r.commands.get(2)).containsExactly("resolvectl", "default-route", "trellis0", "true");
    }

    @Test
    void noDomainsClearsThemExplicitly() throws Exception {
        RecordingRunner r = new RecordingRunner();
        manager(ResolvedManager.Tool.RESOLVECTL, r).apply(new OsDnsConfig(List.of(MagicDns.SERVICE_IPV4),
                List.of(), List.of()));
        assertThat(r.commands.get(1)).containsExactly("resolvectl", "domain", "trellis0", "");
    }

    @Test
    void busctlMakesTheSameCallsOverDbus() throws Exception {
        RecordingRunner r = new RecordingRunner();
        ResolvedManager m = manager(ResolvedManager.Tool.BUSCTL, r);
        m.apply(new OsDnsConfig(List.of(MagicDns.SERVICE_IPV4, InetAddress.ofLiteral("fd7a:115c:a1e0::53")),
                List.of(), List.of("trellis.internal")));
        List<String> prefix = List.of("busctl", "--system", "--timeout=5", "call", "org.freedesktop.resolve1",
                "/org/freedesktop/resolve1", "org.freedesktop.resolve1.Manager");
        assertThat(r.commands).hasSize(5).allSatisfy(c -> assertThat(c.subList(0, prefix.size())).isEqualTo(prefix));
        assertThat(r.commands.get(0).subList(prefix.size(), r.commands.get(0).size())).containsExactly(
                "SetLinkDNS", "ia(iay)", "7", "2", "2", "4", "100", "100", "100", "100",
                "10", "16", "253", "122", "17", "92", "161", "224", "0", "0", "0", "0", "0", "0", "0", "0", "0", "83");
        assertThat(r.commands.get(1).subList(prefix.size(), r.commands.get(1).size())).containsExactly(
                "SetLinkDomains", "ia(sb)", "7", "1", "trellis.internal", "true");
        assertThat(r.commands.get(2).subList(prefix.size(), r.commands.get(2).size())).containsExactly(
                "SetLinkDefaultRoute", "ib", "7", "false");
        r.commands.clear();
        m.restore();
        assertThat(r.commands).singleElement().satisfies(c -> assertThat(c.subList(prefix.size(), c.size()))
                .containsExactly("RevertLink", "i", "7"));
    }

    @Test
    void restoreRevertsTheLinkIfItStillExists() throws Exception {
        RecordingRunner r = new RecordingRunner();
        ResolvedManager m = manager(ResolvedManager.Tool.RESOLVECTL, r);
        m.restore();
        assertThat(r.commands).containsExactly(List.of("resolvectl", "revert", "trellis0"));
        r.commands.clear();
        ResolvedManager gone = new ResolvedManager("trellis9", ResolvedManager.Tool.RESOLVECTL, r,
                dir.resolve("uplink.conf"), dir.resolve("sys/class/net"));
        gone.restore();
        assertThat(r.commands).isEmpty();
    }

    @Test
    void aFailingCommandSaysWhatFailedAndWhy() throws Exception {
        RecordingRunner r = new RecordingRunner();
        r.answer = argv -> argv.get(1).equals("domain")
                ? new CommandRunner.Result(1, "", "Failed to set domain configuration: Access denied\n")
                : new CommandRunner.Result(0, "", "");
        ResolvedManager m = manager(ResolvedManager.Tool.RESOLVECTL, r);
        assertThatThrownBy(() -> m.apply(OsDnsConfig.magicDns("trellis.internal")))
                .isInstanceOf(IOException.class)
                .hasMessage("resolvectl domain trellis0 trellis.internal failed (exit 1): "
                        + "Failed to set domain configuration: Access denied");
        assertThat(r.commands).hasSize(2); // stops at the first failure
    }

    @Test
    void systemResolversComeFromResolvedsUplinkFile() throws Exception {
        RecordingRunner r = new RecordingRunner();
        ResolvedManager m = manager(ResolvedManager.Tool.RESOLVECTL, r);
        assertThat(m.systemResolvers()).isEmpty();
        Files.writeString(dir.resolve("uplink.conf"), "# This is /run/systemd/resolve/resolv.conf managed by "
                + "man:systemd-resolved(8).\nnameserver 192.168.1.1\nnameserver 100.100.100.100\nsearch lan\n");
        assertThat(m.systemResolvers()).containsExactly(new InetSocketAddress("192.168.1.1", 53));
    }

    @Test
    void interfaceNamesAreChecked() {
        assertThatThrownBy(() -> new ResolvedManager("a b", ResolvedManager.Tool.RESOLVECTL, new RecordingRunner()))
                .hasMessageContaining("invalid interface name");
        assertThatThrownBy(() -> new ResolvedManager("x".repeat(16), ResolvedManager.Tool.RESOLVECTL,
                new RecordingRunner())).hasMessageContaining("invalid interface name");
    }
}
