package dev.trellis.desktop.tray.sni;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A helper program a test starts (dbus-daemon, xfconfd, xfce4-panel), with its output in a log
 * file; {@link #close} stops it and every process it started, by pid.
 */
final class HostProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;

    private HostProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static HostProcess start(String name, List<String> command, Map<String, String> env, Path log) throws IOException {
        requireProgram(command.getFirst());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        pb.environment().remove("DBUS_SESSION_BUS_ADDRESS");
        pb.environment().remove("SESSION_MANAGER");
        pb.environment().putAll(env);
        return new HostProcess(name, pb.start(), log);
    }

    /** Fails, saying what to install, when a program the test needs is missing. */
    static void requireProgram(String path) {
        if (!Files.isExecutable(Path.of(path))) {
            String pkg = switch (Path.of(path).getFileName().toString()) {
                case "dbus-daemon" -> "dbus-daemon (or dbus)";
                case "xfce4-panel" -> "xfce4-panel";
                case "xfconfd" -> "xfconf";
                case "xdotool" -> "xdotool";
                case "import" -> "imagemagick";
                default -> "the package with " + path;
            };
            throw new AssertionError(path + " is missing: the StatusNotifierItem tests run a real desktop tray."
                    + " Install it: apt-get install -y " + pkg + " (.ci/run installs it)");
        }
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    /** The program's output so far, for failure messages. */
    String output() {
        try {
            String s = Files.readString(log);
            return s.length() > 4000 ? "…" + s.substring(s.length() - 4000) : s;
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /**
     * Stops the program, then whatever it started that outlived it (xfce4-panel's plugin
     * wrappers), each by pid. The program goes first: xfce4-panel restarts a plugin whose wrapper
     * dies under it, which would be a process this test never saw.
     */
    @Override
    public void close() {
        List<ProcessHandle> children = process.descendants().toList();
        stop(process.toHandle());
        for (ProcessHandle c : children.reversed()) {
            stop(c);
        }
    }

    private static void stop(ProcessHandle p) {
        if (!p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            p.onExit().get(3, TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
            try {
                p.onExit().get(3, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // a process that survives SIGKILL for 3 s is the kernel's business now
            }
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
