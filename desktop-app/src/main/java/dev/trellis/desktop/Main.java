package dev.trellis.desktop;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.logging.Level;
import java.util.logging.Logger;
import javafx.application.Application;

/**
 * {@code trellis-desktop}: parses the command line, then starts JavaFX. It is not the
 * {@link javafx.application.Application} itself, so it starts from a plain class path.
 * Exit codes: 0 after Quit, 2 for a bad command line.
 */
public final class Main {
    /** dbus-java says "Using transport ..." at INFO on every connection: kept to warnings. */
    private static final Logger DBUS_LOG = Logger.getLogger("org.freedesktop.dbus");

    private Main() {}

    public static void main(String[] args) {
        String[] special = new String[1];
        DesktopOptions options;
        try {
            options = DesktopOptions.parse(args, System.getenv("TRELLIS_SOCKET"), special);
        } catch (DesktopOptions.UsageException e) {
            System.err.println("trellis-desktop: " + e.getMessage() + " (see trellis-desktop --help)");
            System.exit(2);
            return;
        }
        if ("help".equals(special[0])) {
            System.out.print(DesktopOptions.USAGE);
            return;
        }
        if ("version".equals(special[0])) {
            System.out.println("trellis-desktop " + version());
            return;
        }
        if (System.getenv("DISPLAY") == null && System.getenv("WAYLAND_DISPLAY") == null) {
            System.err.println("trellis-desktop: no display (neither DISPLAY nor WAYLAND_DISPLAY is set): "
                    + "run it inside your desktop session");
            System.exit(1);
            return;
        }
        DBUS_LOG.setLevel(Level.WARNING);
        TrellisDesktopApp.configure(options);
        Application.launch(TrellisDesktopApp.class);
        // Quit: JavaFX has stopped and the app has let go of everything. AWT's event thread (the
        // XEmbed tray's) would keep the JVM up a while longer; there is nothing left to wait for.
        System.exit(0);
    }

    static String version() {
        try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
