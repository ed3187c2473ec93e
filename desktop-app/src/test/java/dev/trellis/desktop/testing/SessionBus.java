package dev.trellis.desktop.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A private D-Bus session bus for one test (a real {@code dbus-daemon} on a socket in a temporary
 * directory), and the desktop programs a test runs on it. Everything started is stopped by
 * {@link #close}, by process handle, also when the test failed.
 */
public final class SessionBus implements AutoCloseable {
    private final Path dir;
    private final Process daemon;
    private final String address;
    private final List<Process> programs = new ArrayList<>();

    private SessionBus(Path dir, Process daemon, String address) {
        this.dir = dir;
        this.daemon = daemon;
        this.address = address;
    }

    /**
     * Starts a session-type {@code dbus-daemon} listening in {@code dir}; fails saying what to
     * install. Its configuration has no service directories, so nothing is started by D-Bus
     * activation: a test sees exactly the programs it ran.
     */
    public static SessionBus start(Path dir) throws IOException, InterruptedException {
        requireProgram("dbus-daemon", "dbus-daemon");
        Path socket = dir.resolve("bus");
        String address = "unix:path=" + socket;
        Path config = dir.resolve("bus.conf");
        Files.writeString(config, """
                <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
                 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
                <busconfig>
                  <type>session</type>
                  <listen>%s</listen>
                  <auth>EXTERNAL</auth>
                  <policy context="default">
                    <allow send_destination="*" eavesdrop="true"/>
                    <allow eavesdrop="true"/>
                    <allow own="*"/>
                  </policy>
                </busconfig>
                """.formatted(address));
        Process p = new ProcessBuilder("dbus-daemon", "--config-file=" + config, "--nofork", "--nopidfile")
                .redirectErrorStream(true).redirectOutput(dir.resolve("dbus-daemon.log").toFile()).start();
        SessionBus bus = new SessionBus(dir, p, address);
        try {
            Waits.until(Duration.ofSeconds(10), () -> Files.exists(socket) || !p.isAlive(), "the bus socket");
            if (!p.isAlive()) {
                throw new IOException("dbus-daemon exited: " + Files.readString(dir.resolve("dbus-daemon.log")));
            }
        } catch (IOException | RuntimeException | InterruptedException e) {
            bus.close();
            throw e;
        }
        return bus;
    }

    /** The bus address, for DBUS_SESSION_BUS_ADDRESS. */
    public String address() {
        return address;
    }

    /** Starts {@code command} with this bus (and the JVM's DISPLAY), its output logged in the bus's directory. */
    public Process run(String logName, Map<String, String> env, String... command) throws IOException {
        requireProgram(command[0], command[0]);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(logName + ".log").toFile());
        pb.environment().put("DBUS_SESSION_BUS_ADDRESS", address);
        pb.environment().putAll(env);
        Process p = pb.start();
        synchronized (programs) {
            programs.add(p);
        }
        return p;
    }

    /** Runs {@code command} on this bus to completion (at most {@code timeout}) and returns its output. */
    public String exec(Duration timeout, String... command) throws IOException, InterruptedException {
        requireProgram(command[0], command[0]);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("DBUS_SESSION_BUS_ADDRESS", address);
        Process p = pb.start();
        if (!p.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish within " + timeout);
        }
        return new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Fails loudly when a program a test needs is missing, naming the Debian package. */
    public static void requireProgram(String program, String debianPackage) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, program))) {
                return;
            }
        }
        throw new IllegalStateException(program + " is missing: apt-get install -y " + debianPackage
                + " (.ci/run installs it)");
    }

    @Override
    public void close() {
        List<Process> all;
        synchronized (programs) {
            all = new ArrayList<>(programs);
        }
        all.add(daemon);
        for (Process p : all) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
        }
        for (Process p : all) {
            try {
                if (!p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }
}
