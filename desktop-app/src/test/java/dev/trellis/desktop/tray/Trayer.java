package dev.trellis.desktop.tray;

import java.awt.SystemTray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.AssertionFailedError;

/**
 * Runs {@code trayer}, a real XEmbed tray, on the test JVM's display for one test class: started
 * before the class's tests and stopped (by its pid, also when tests fail) after them, so that the
 * next class finds the display without a tray.
 *
 * <p>AWT needs no particular order: its tray peer watches the {@code _NET_SYSTEM_TRAY_S0}
 * selection's MANAGER announcements, so {@link SystemTray#isSupported()} turns true when trayer
 * takes the selection even if AWT started first, and false again when trayer exits. {@link #start}
 * waits for both trayer's panel window and AWT to see the tray.
 */
final class Trayer implements BeforeAllCallback, AfterAllCallback {
    static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    static final String PANEL = "panel";

    private Process process;
    private Path log;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        X11.require("trayer", "trayer");
        X11.require("xwininfo", "x11-utils");
        X11.require("xdotool", "xdotool");
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    /** Starts trayer and waits until AWT sees it as the system tray. */
    void start() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("trayer already runs (pid " + process.pid() + ")");
        }
        log = Files.createTempFile("trellis-trayer-", ".log");
        process = new ProcessBuilder("trayer", "--edge", "top", "--align", "right", "--widthtype", "request",
                "--height", "32", "--transparent", "false", "--tint", "0xdddddd")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Await.until("trayer's panel window", START_TIMEOUT, () -> {
                if (!process.isAlive()) {
                    throw new AssertionFailedError("trayer exited with " + process.exitValue() + ": " + log());
                }
                return panel();
            }, this::log);
            Await.until("AWT to see trayer as the system tray", START_TIMEOUT, SystemTray::isSupported);
        } catch (RuntimeException | Error e) {
            stop();
            throw e;
        }
    }

    /** Starts trayer unless it runs: a test that stopped it and failed must not fail the next ones. */
    void ensureRunning() throws IOException {
        if (process == null || !process.isAlive()) {
            stop();
            start();
        }
    }

    /** Stops trayer (SIGTERM, then SIGKILL after five seconds) and waits for AWT to see no tray. */
    void stop() {
        Process p = process;
        if (p == null) {
            return;
        }
        process = null;
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException ignored) {
            // a temp file left behind
        }
        Await.until("AWT to see the tray gone", START_TIMEOUT, () -> !SystemTray.isSupported());
    }

    /** trayer's panel window: the XEmbed icons dock inside it. */
    static Optional<X11.Win> panel() {
        return panel(X11.windows());
    }

    static Optional<X11.Win> panel(List<X11.Win> windows) {
        return windows.stream().filter(w -> w.parent() == 0 && w.name().equals(PANEL)).findFirst();
    }

    private String log() {
        try {
            return log == null ? "" : Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
