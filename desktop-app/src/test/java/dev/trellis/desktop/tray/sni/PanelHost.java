package dev.trellis.desktop.tray.sni;

import dev.trellis.desktop.testing.SessionBus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * A real StatusNotifierItem host for one test class: a private session bus with xfce4-panel on
 * it, started before the class's tests and stopped after them, by pid. Its directory (the bus's,
 * the panel's and xfconfd's logs) is deleted unless a test failed. Register it as a static field.
 */
final class PanelHost implements BeforeAllCallback, AfterAllCallback, TestWatcher {
    private final String prefix;
    private Path dir;
    private SessionBus bus;
    private BusClient client;
    private XfcePanel panel;
    private volatile boolean failed;

    PanelHost(String prefix) {
        this.prefix = prefix;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory(prefix);
        bus = SessionBus.start(dir);
        try {
            client = new BusClient(bus.address());
            panel = XfcePanel.start(dir, bus.address(), client);
        } catch (Exception | AssertionError e) {
            afterAll(context);
            throw e;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (panel != null) {
                panel.close();
            }
        } finally {
            try {
                if (client != null) {
                    client.close();
                }
            } finally {
                bus.close();
                if (!failed) {
                    deleteTree(dir);
                }
            }
        }
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        failed = true;
        System.err.println("xfce4-panel test logs are kept in " + dir);
    }

    Path dir() {
        return dir;
    }

    SessionBus bus() {
        return bus;
    }

    BusClient client() {
        return client;
    }

    XfcePanel panel() {
        return panel;
    }

    private static void deleteTree(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind is no failure
        }
    }
}
