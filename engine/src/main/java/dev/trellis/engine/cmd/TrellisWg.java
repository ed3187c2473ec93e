package dev.trellis.engine.cmd;

import dev.trellis.engine.conn.Binds;
import dev.trellis.engine.uapi.UapiServer;
import dev.trellis.engine.wg.Device;
import dev.trellis.engine.wg.WgConstants;
import dev.trellis.tun.Tun;
import dev.trellis.tun.TunDevice;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code trellis-wg [-f|--foreground] INTERFACE}: wireguard-go's command line, so scripts that
 * run wireguard-go can run Trellis instead. Creates the TUN interface, serves the UAPI socket
 * {@code /var/run/wireguard/INTERFACE.sock} for the {@code wg} tool, and runs until the
 * interface is deleted or the process is signalled. Without {@code -f} (and without
 * {@code WG_PROCESS_FOREGROUND=1}) it detaches once the interface is ready.
 */
public final class TrellisWg {
    static final int DEFAULT_MTU = 1420;
    private static final String CHILD_MARK = "TRELLIS_WG_DETACHED";

    private TrellisWg() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        boolean foreground = "1".equals(System.getenv("WG_PROCESS_FOREGROUND"));
        String iface = null;
        for (String a : args) {
            switch (a) {
                case "-f", "--foreground" -> foreground = true;
                case "--version" -> {
                    System.out.println("trellis-wg " + version() + " (WireGuard userspace implementation in Java)");
                    return 0;
                }
                case "-h", "--help" -> {
                    usage();
                    return 0;
                }
                default -> {
                    if (a.startsWith("-") || iface != null) {
                        usage();
                        return 1;
                    }
                    iface = a;
                }
            }
        }
        if (iface == null) {
            usage();
            return 1;
        }
        if (iface.isEmpty() || iface.length() > 15 || iface.contains("/") || iface.equals(".") || iface.equals("..")
                || iface.chars().anyMatch(c -> c <= ' ' || c == ':')) {
            System.err.println("trellis-wg: invalid interface name '" + iface + "' (at most 15 characters, no spaces, '/' or ':')");
            return 1;
        }
        Logging.configure(System.getenv("LOG_LEVEL"));
        Optional<String> cause = Tun.unavailabilityCause();
        if (cause.isPresent()) {
            System.err.println("trellis-wg: cannot create TUN devices here: " + cause.get());
            return 1;
        }
        if (!foreground && System.getenv(CHILD_MARK) == null) {
            return detach(iface, args);
        }
        return runForeground(iface);
    }

    private static void usage() {
        System.err.println("Usage: trellis-wg [-f/--foreground] INTERFACE-NAME");
    }

    private static String version() {
        String v = TrellisWg.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    static int runForeground(String iface) {
        TunDevice tun;
        try {
            tun = Tun.open(iface);
        } catch (IOException e) {
            System.err.println("trellis-wg: failed to create TUN device " + iface + ": " + e.getMessage());
            return 1;
        }
        String name = tun.name();
        try {
            Tun.configurator().setMtu(name, DEFAULT_MTU);
        } catch (IOException e) {
            System.err.println("trellis-wg: warning: could not set MTU of " + name + ": " + e.getMessage());
        }
        Device device = new Device(name, tun, Binds.best(), Clock.systemUTC(), WgConstants.fromEnvironment());
        UapiServer uapi;
        try {
            device.start();
            uapi = UapiServer.start(name, device);
        } catch (IOException e) {
            System.err.println("trellis-wg: failed to start " + name + ": " + e.getMessage());
            device.close();
            return 1;
        }
        UapiServer server = uapi;
        Thread hook = new Thread(() -> shutdown(device, server), "trellis-wg-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        Logging.info("(" + name + ") UAPI listener started on " + server.socketPath());
        try {
            Optional<Throwable> failure = device.awaitClosed();
            shutdown(device, server);
            if (failure.isPresent()) {
                Logging.info("(" + name + ") shutting down: " + failure.get().getMessage());
            }
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private static void shutdown(Device device, UapiServer uapi) {
        try {
            uapi.close();
        } catch (IOException ignored) {
            // the socket file is removed on a best-effort basis
        }
        device.close();
    }

    /**
     * Starts this program again in the foreground, in a new session, and returns once the child
     * serves its UAPI socket (or has died), as wireguard-go's daemonising does.
     */
    private static int detach(String iface, String[] args) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>();
        if (new File("/usr/bin/setsid").canExecute()) {
            cmd.add("/usr/bin/setsid");
        }
        cmd.add(java);
        cmd.addAll(ProcessHandle.current().info().arguments().map(List::of).orElse(List.of()).stream()
                .takeWhile(a -> !a.equals(TrellisWg.class.getName())).toList());
        cmd.add(TrellisWg.class.getName());
        cmd.add("--foreground");
        cmd.add(iface);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put(CHILD_MARK, "1");
        String level = System.getenv("LOG_LEVEL");
        boolean verbose = level != null && !level.isBlank() && !level.equals("silent");
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        if (verbose) {
            pb.redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT);
        } else {
            pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        }
        try {
            Process child = pb.start();
            Path sock = UapiServer.SOCKET_DIRECTORY.resolve(iface + ".sock");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                if (!child.isAlive()) {
                    System.err.println("trellis-wg: the background process exited with status " + child.exitValue()
                            + "; run with --foreground and LOG_LEVEL=verbose to see why");
                    return 1;
                }
                if (Files.exists(sock)) {
                    return 0;
                }
                child.waitFor(20, TimeUnit.MILLISECONDS);
            }
            System.err.println("trellis-wg: the background process did not become ready within 30 s");
            return 1;
        } catch (IOException e) {
            System.err.println("trellis-wg: cannot start the background process: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }
}
