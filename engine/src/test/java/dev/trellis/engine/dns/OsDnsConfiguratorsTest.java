package dev.trellis.engine.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OsDnsConfiguratorsTest {
    @TempDir
    Path dir;
    Path runResolve;
    Path bin;
    Path resolvConf;
    Path state;
    ResolvedManagerTest.RecordingRunner runner = new ResolvedManagerTest.RecordingRunner();

    @BeforeEach
    void machine() throws IOException {
        runResolve = dir.resolve("run/systemd/resolve");
        bin = Files.createDirectories(dir.resolve("bin"));
        resolvConf = Files.createDirectories(dir.resolve("etc")).resolve("resolv.conf");
        state = dir.resolve("state");
    }

    private OsDnsConfigurators.Detected detect() {
        return OsDnsConfigurators.detect(resolvConf, state, "trellis0", new OsDnsConfigurators.Host(runResolve,
                bin.toString(), runner, dir.resolve("sys/class/net"), runResolve.resolve("resolv.conf")));
    }

    private void program(String name) throws IOException {
        Path p = Files.writeString(bin.resolve(name), "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private void resolvedStub() throws IOException {
        Files.createDirectories(runResolve);
        Path stub = Files.writeString(runResolve.resolve("stub-resolv.conf"),
                "# This is /run/systemd/resolve/stub-resolv.conf managed by man:systemd-resolved(8).\n"
                        + "nameserver 127.0.0.53\noptions edns0 trust-ad\n");
        Files.createSymbolicLink(resolvConf, stub);
    }

    @Test
    void withoutResolvedTheFileIsManaged() throws IOException {
        Files.writeString(resolvConf, "nameserver 10.0.0.1\n");
        OsDnsConfigurators.Detected d = detect();
        assertThat(d.configurator()).isInstanceOf(ResolvConfManager.class);
        assertThat(d.reason()).contains("systemd-resolved is not running").contains(runResolve.toString());
        assertThat(runner.commands).isEmpty();
    }

    @Test
    void resolvedWithResolvectlAndItsStubIsUsed() throws IOException {
        resolvedStub();
        program("resolvectl");
        OsDnsConfigurators.Detected d = detect();
        assertThat(d.configurator()).isInstanceOfSatisfying(ResolvedManager.class,
                m -> assertThat(m.tool()).isEqualTo(ResolvedManager.Tool.RESOLVECTL));
        assertThat(d.reason()).contains("a symlink to").contains("resolvectl");
    }

    @Test
    void resolvedReachedThroughBusctlWhenResolvectlIsMissing() throws IOException {
        resolvedStub();
        program("busctl");
        OsDnsConfigurators.Detected d = detect();
        assertThat(d.configurator()).isInstanceOfSatisfying(ResolvedManager.class,
                m -> assertThat(m.tool()).isEqualTo(ResolvedManager.Tool.BUSCTL));
        assertThat(runner.commands).singleElement().satisfies(c -> assertThat(c).contains("Ping"));
    }

    @Test
    void resolvedThatDoesNotAnswerIsNotUsed() throws IOException {
        resolvedStub();
        program("busctl");
        runner.answer = argv -> new CommandRunner.Result(1, "",
                "Call failed: The name org.freedesktop.resolve1 was not provided by any .service files\n");
        OsDnsConfigurators.Detected d = detect();
        assertThat(d.configurator()).isInstanceOf(ResolvConfManager.class);
        assertThat(d.reason()).contains("was not provided by any .service files");
    }

    @Test
    void resolvedThatTheResolvConfIgnoresIsNotUsed() throws IOException {
        Files.createDirectories(runResolve);
        program("resolvectl");
        Files.writeString(resolvConf, "nameserver 10.0.0.1\n");
        OsDnsConfigurators.Detected d = detect();
        assertThat(d.configurator()).isInstanceOf(ResolvConfManager.class);
        assertThat(d.reason()).contains("does not point at it");
    }

    @Test
    void ourOwnFileFromACrashedRunIsJudgedByItsBackup() throws Exception {
        Files.createDirectories(runResolve);
        program("resolvectl");
        Files.writeString(resolvConf, "nameserver 127.0.0.53\n");
        new ResolvConfManager(resolvConf, state).apply(OsDnsConfig.magicDns("ts.example"));
        OsDnsConfigurators.Detected d = detect();
        assertThat(d.configurator()).isInstanceOf(ResolvedManager.class);
        assertThat(d.reason()).contains("127.0.0.53");
    }

    @Test
    void probingThisMachineIsHonestAndTouchesOnlyTheGivenFiles() throws IOException {
        Files.writeString(resolvConf, "nameserver 10.0.0.1\n");
        OsDnsConfigurators.Detected d = OsDnsConfigurators.detect(resolvConf, state, "trellis0");
        assertThat(d.reason()).isNotBlank();
        if (!Files.isDirectory(Path.of("/run/systemd/resolve"))) {
            assertThat(d.configurator()).isInstanceOf(ResolvConfManager.class);
        }
        assertThat(Files.readString(resolvConf)).isEqualTo("nameserver 10.0.0.1\n");
    }

    @Test
    void theRealCommandRunnerCapturesOutputAndEnforcesItsTimeout() throws IOException {
        CommandRunner real = CommandRunner.system();
        CommandRunner.Result r = real.run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"), Duration.ofSeconds(10));
        assertThat(r).isEqualTo(new CommandRunner.Result(3, "out\n", "err\n"));
        assertThatThrownBy(() -> real.run(List.of("sleep", "30"), Duration.ofMillis(200)))
                .hasMessageContaining("did not finish within 200 ms");
        assertThatThrownBy(() -> real.run(List.of(dir.resolve("missing").toString()), Duration.ofSeconds(1)))
                .isInstanceOf(IOException.class);
    }

    @Test
    void osDnsConfigsAreValidated() {
        assertThatThrownBy(() -> new OsDnsConfig(List.of(), List.of(), List.of())).hasMessageContaining("nameserver");
        assertThatThrownBy(() -> OsDnsConfig.magicDns("a b")).hasMessageContaining("not a plain host name");
        assertThatThrownBy(() -> OsDnsConfig.magicDns("a..b")).hasMessageContaining("invalid search domain");
        assertThat(new OsDnsConfig(List.of(MagicDns.SERVICE_IPV4), List.of("Corp.Example."), List.of("~.", "x.y"))
                .matchDomains()).containsExactly(".", "x.y");
        assertThat(OsDnsConfig.magicDns("Trellis.Internal.").searchDomains()).containsExactly("trellis.internal");
    }
}
