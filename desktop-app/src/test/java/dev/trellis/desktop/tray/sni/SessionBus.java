package dev.trellis.desktop.tray.sni;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A private D-Bus session bus: dbus-daemon on a Unix socket in a temp dir, with a configuration
 * that starts no services on demand (every peer on it is one a test started, with a pid to stop).
 */
final class SessionBus implements AutoCloseable {
    static final String DBUS_DAEMON = "/usr/bin/dbus-daemon";

    private final HostProcess daemon;
    private final String address;

    private SessionBus(HostProcess daemon, String address) {
        this.daemon = daemon;
        this.address = address;
    }

    static SessionBus start(Path dir) throws IOException {
        Path socket = dir.resolve("bus");
        Path config = dir.resolve("bus.conf");
        Files.writeString(config, """
                <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
                 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
                <busconfig>
                  <type>session</type>
                  <listen>unix:path=%s</listen>
                  <auth>EXTERNAL</auth>
                  <policy context="default">
                    <allow send_destination="*" eavesdrop="true"/>
                    <allow eavesdrop="true"/>
                    <allow own="*"/>
                  </policy>
                </busconfig>
                """.formatted(socket));
        HostProcess daemon = HostProcess.start("dbus-daemon",
                List.of(DBUS_DAEMON, "--config-file=" + config, "--nofork", "--nopidfile"), Map.of(),
                dir.resolve("dbus-daemon.log"));
        try {
            // The socket file appears once the daemon listens.
            Await.until("dbus-daemon to listen on " + socket, Duration.ofSeconds(10),
                    () -> Files.exists(socket) || !daemon.alive(), daemon::output);
            if (!daemon.alive()) {
                throw new AssertionError("dbus-daemon exited at start: " + daemon.output());
            }
        } catch (RuntimeException | AssertionError e) {
            daemon.close();
            throw e;
        }
        return new SessionBus(daemon, "unix:path=" + socket);
    }

    String address() {
        return address;
    }

    @Override
    public void close() {
        daemon.close();
    }
}
