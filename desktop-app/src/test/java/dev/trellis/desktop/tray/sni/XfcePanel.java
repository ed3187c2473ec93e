package dev.trellis.desktop.tray.sni;

import java.awt.Rectangle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A real StatusNotifierItem host: xfce4-panel (4.18) with one panel holding only the status tray
 * plugin ("systray", which in 4.18 hosts StatusNotifierItems and owns
 * org.kde.StatusNotifierWatcher), on the test JVM's display. xfce4-panel keeps its configuration
 * in xfconf, so xfconfd runs on the same bus with XDG_CONFIG_HOME in a temp dir holding the panel
 * layout; with a layout present, the panel skips its first-start dialog.
 */
final class XfcePanel implements AutoCloseable {
    static final String PANEL = "/usr/bin/xfce4-panel";
    /** The panel's height in pixels; the panel spans the top of the screen. */
    static final int SIZE = 32;

    private final Path dir;
    private final BusClient bus;
    private final Map<String, String> baseEnv;
    private Map<String, String> env;
    private final HostProcess xfconfd;
    private HostProcess panel;
    private int starts;

    private XfcePanel(Path dir, BusClient bus, Map<String, String> env, HostProcess xfconfd) {
        this.dir = dir;
        this.bus = bus;
        this.baseEnv = env;
        this.env = env;
        this.xfconfd = xfconfd;
    }

    static XfcePanel start(Path dir, String busAddress, BusClient bus) throws IOException {
        HostProcess.requireProgram(PANEL);
        Path channel = dir.resolve("config/xfce4/xfconf/xfce-perchannel-xml/xfce4-panel.xml");
        Files.createDirectories(channel.getParent());
        Files.writeString(channel, """
                <?xml version="1.0" encoding="UTF-8"?>
                <channel name="xfce4-panel" version="1.0">
                  <property name="configver" type="int" value="2"/>
                  <property name="panels" type="array">
                    <value type="int" value="1"/>
                    <property name="panel-1" type="empty">
                      <property name="position" type="string" value="p=6;x=0;y=0"/>
                      <property name="length" type="uint" value="100"/>
                      <property name="position-locked" type="bool" value="true"/>
                      <property name="size" type="uint" value="%d"/>
                      <property name="plugin-ids" type="array">
                        <value type="int" value="1"/>
                      </property>
                    </property>
                  </property>
                  <property name="plugins" type="empty">
                    <property name="plugin-1" type="string" value="systray">
                      <property name="square-icons" type="bool" value="true"/>
                    </property>
                  </property>
                </channel>
                """.formatted(SIZE));
        Path runtime = Files.createDirectories(dir.resolve("runtime"));
        Files.setPosixFilePermissions(runtime, PosixFilePermissions.fromString("rwx------")); // as XDG demands
        Map<String, String> env = Map.of(
                "DBUS_SESSION_BUS_ADDRESS", busAddress,
                "XDG_CONFIG_HOME", dir.resolve("config").toString(),
                "XDG_CACHE_HOME", dir.resolve("cache").toString(),
                "XDG_DATA_HOME", dir.resolve("data").toString(),
                "XDG_RUNTIME_DIR", runtime.toString(),
                "NO_AT_BRIDGE", "1");
        String xfconfdPath = xfconfd();
        HostProcess xfconfd = HostProcess.start("xfconfd", List.of(xfconfdPath), env, dir.resolve("xfconfd.log"));
        XfcePanel p = new XfcePanel(dir, bus, env, xfconfd);
        try {
            Await.until("xfconfd to own org.xfce.Xfconf", Duration.ofSeconds(10),
                    () -> bus.hasOwner("org.xfce.Xfconf") || !xfconfd.alive(), xfconfd::output);
            if (!xfconfd.alive()) {
                throw new AssertionError("xfconfd exited at start: " + xfconfd.output());
            }
            p.startPanel();
        } catch (RuntimeException | AssertionError | IOException e) {
            p.close();
            throw e;
        }
        return p;
    }

    /** xfconfd's path, from its D-Bus service file (it lives under the multiarch lib dir). */
    private static String xfconfd() throws IOException {
        Path service = Path.of("/usr/share/dbus-1/services/org.xfce.Xfconf.service");
        if (Files.exists(service)) {
            for (String line : Files.readAllLines(service)) {
                if (line.startsWith("Exec=")) {
                    String exec = line.substring(5).trim().split("\\s+")[0];
                    HostProcess.requireProgram(exec);
                    return exec;
                }
            }
        }
        throw new AssertionError("xfconfd is missing (no " + service + "): xfce4-panel keeps its configuration in"
                + " xfconf. Install it: apt-get install -y xfconf (.ci/run installs it)");
    }

    private void startPanel() throws IOException {
        starts++;
        panel = HostProcess.start("xfce4-panel", List.of(PANEL, "--disable-wm-check"), env,
                dir.resolve("xfce4-panel-" + starts + ".log"));
        HostProcess p = panel;
        Await.until("xfce4-panel's status tray to own " + SniTray.WATCHER, Duration.ofSeconds(20),
                () -> bus.hasOwner(SniTray.WATCHER) || !p.alive(), p::output);
        if (!p.alive()) {
            throw new AssertionError("xfce4-panel exited at start: " + p.output());
        }
    }

    /** Stops the panel (and its plugin wrapper) and starts it again: a new watcher, which knows no items. */
    void restart() throws IOException {
        panel.close();
        Await.until("the old watcher to leave the bus", () -> !bus.hasOwner(SniTray.WATCHER));
        startPanel();
    }

    /**
     * Restarts the panel with these variables added to its environment (and its plugin wrappers',
     * which inherit it), e.g. GTK_THEME; an empty map restores the environment it started with.
     */
    void restart(Map<String, String> extraEnv) throws IOException {
        Map<String, String> next = new HashMap<>(baseEnv);
        next.putAll(extraEnv);
        env = Map.copyOf(next);
        restart();
    }

    /** The unique bus name of the panel's watcher (its status tray plugin). */
    String watcherOwner() {
        return bus.owner(SniTray.WATCHER);
    }

    /**
     * Where the status tray plugin's items are on screen: the visible plugin window in the panel
     * (1 pixel wide while it holds no item). Null while there is none.
     */
    Rectangle trayArea() {
        return X11.visibleWindows("wrapper-2.0").stream()
                .filter(r -> r.y == 0 && r.height <= SIZE + 1)
                .findFirst().orElse(null);
    }

    /** The menus the status tray has open (visible wrapper windows below the panel). */
    List<Rectangle> openMenus() {
        return X11.visibleWindows("wrapper-2.0").stream().filter(r -> r.y >= SIZE - 1 && r.height > 8).toList();
    }

    String output() {
        return "xfce4-panel: " + (panel == null ? "not started" : panel.output()) + "\nxfconfd: " + xfconfd.output();
    }

    @Override
    public void close() {
        if (panel != null) {
            panel.close();
        }
        xfconfd.close();
    }
}
