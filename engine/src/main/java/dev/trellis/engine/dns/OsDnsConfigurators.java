package dev.trellis.engine.dns;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Chooses how to configure the OS resolver, once, at run time, and keeps the reason (like
 * okhttp's {@code Platform.findPlatform()}): systemd-resolved if it runs, can be reached, and
 * is what the resolv.conf points at; otherwise the resolv.conf file itself.
 */
public final class OsDnsConfigurators {
    /** The chosen configurator and why it, not another, was chosen. */
    public record Detected(OsDnsConfigurator configurator, String reason) {}

    /** What detection looks at; a seam so tests can describe a machine they are not on. */
    record Host(Path resolvedRunDir, String path, CommandRunner runner, Path sysClassNet, Path uplinkResolvConf) {
        static Host real() {
            return new Host(Path.of("/run/systemd/resolve"), Objects.requireNonNullElse(System.getenv("PATH"), ""),
                    CommandRunner.system(), Path.of("/sys/class/net"), ResolvedManager.UPLINK_RESOLV_CONF);
        }
    }

    private OsDnsConfigurators() {}

    /**
     * Probes this machine. {@code resolvConf} is the file the system's stub resolver reads
     * ({@code /etc/resolv.conf}); {@code stateDir} holds the backup of its original;
     * {@code interfaceName} is the tunnel device.
     */
    public static Detected detect(Path resolvConf, Path stateDir, String interfaceName) {
        return detect(resolvConf, stateDir, interfaceName, Host.real());
    }

    static Detected detect(Path resolvConf, Path stateDir, String interfaceName, Host host) {
        ResolvConfManager file = new ResolvConfManager(resolvConf, stateDir);
        if (!Files.isDirectory(host.resolvedRunDir())) {
            return new Detected(file, "systemd-resolved is not running (" + host.resolvedRunDir() + " is absent); "
                    + "managing " + resolvConf + " directly");
        }
        ResolvedManager.Tool tool;
        String busctlProblem = null;
        if (onPath("resolvectl", host.path())) {
            tool = ResolvedManager.Tool.RESOLVECTL;
        } else if (onPath("busctl", host.path()) && (busctlProblem = pingResolved(host.runner())) == null) {
            tool = ResolvedManager.Tool.BUSCTL;
        } else {
            return new Detected(file, "systemd-resolved seems to run (" + host.resolvedRunDir() + " exists) but "
                    + "resolvectl is not on PATH and org.freedesktop.resolve1 did not answer through busctl"
                    + (busctlProblem == null ? " (busctl not found)" : " (" + busctlProblem + ")")
                    + "; managing " + resolvConf + " directly");
        }
        String owner = resolvedOwns(resolvConf, stateDir, host.resolvedRunDir());
        if (owner == null) {
            return new Detected(file, "systemd-resolved runs but " + resolvConf + " does not point at it, so the "
                    + "system's resolver would not ask it; managing " + resolvConf + " directly");
        }
        return new Detected(new ResolvedManager(interfaceName, tool, host.runner(), host.uplinkResolvConf(),
                host.sysClassNet()), "systemd-resolved manages " + resolvConf + " (" + owner + "); configuring link "
                + interfaceName + " with " + tool.name().toLowerCase(java.util.Locale.ROOT));
    }

    static boolean onPath(String program, String path) {
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    /** Null if resolved answered a D-Bus ping, else what went wrong. */
    private static String pingResolved(CommandRunner runner) {
        try {
            CommandRunner.Result r = runner.run(List.of("busctl", "--system", "--timeout=2", "call",
                    "org.freedesktop.resolve1", "/org/freedesktop/resolve1", "org.freedesktop.DBus.Peer", "Ping"),
                    Duration.ofSeconds(5));
            return r.exitCode() == 0 ? null : "busctl exit " + r.exitCode() + ": " + r.stderr().strip();
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    /**
     * How we know resolved serves the resolv.conf (a link into its directory, its stub address
     * 127.0.0.53, or its comment), or null. If the file is ours from an earlier run, the saved
     * original is what counts.
     */
    static String resolvedOwns(Path resolvConf, Path stateDir, Path resolvedRunDir) {
        try {
            if (Files.isSymbolicLink(resolvConf)) {
                Path link = Files.readSymbolicLink(resolvConf);
                Path abs = resolvConf.toAbsolutePath().getParent().resolve(link).normalize();
                if (abs.startsWith(resolvedRunDir)) {
                    return "a symlink to " + abs;
                }
            }
            byte[] b = ResolvConfManager.read(resolvConf);
            if (b != null && ResolvConf.isOurs(new String(b, StandardCharsets.ISO_8859_1))) {
                b = ResolvConfManager.read(stateDir.resolve(ResolvConfManager.BACKUP_NAME));
            }
            if (b == null) {
                return null;
            }
            String text = new String(b, StandardCharsets.ISO_8859_1);
            if (ResolvConf.parse(text).nameservers().stream()
                    .anyMatch(a -> a.getHostAddress().equals("127.0.0.53"))) {
                return "its nameserver is the resolved stub 127.0.0.53";
            }
            return text.contains("systemd-resolved") ? "its comment names systemd-resolved" : null;
        } catch (IOException e) {
            return null;
        }
    }
}
