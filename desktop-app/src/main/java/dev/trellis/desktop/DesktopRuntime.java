package dev.trellis.desktop;

import dev.trellis.desktop.app.AppController;
import dev.trellis.desktop.app.DaemonWatcher;
import dev.trellis.desktop.model.Notice;
import dev.trellis.desktop.app.NotificationPolicy;
import dev.trellis.desktop.app.StateFile;
import dev.trellis.desktop.model.Action;
import dev.trellis.desktop.model.AppView;
import dev.trellis.desktop.model.DaemonSnapshot;
import dev.trellis.desktop.model.Preferences;
import dev.trellis.desktop.model.TrayMenu;
import dev.trellis.desktop.platform.AppSettings;
import dev.trellis.desktop.platform.Autostart;
import dev.trellis.desktop.platform.Notifier;
import dev.trellis.desktop.platform.UrlOpener;
import dev.trellis.desktop.tray.NoTray;
import dev.trellis.desktop.tray.Tray;
import dev.trellis.desktop.ui.Clipboards;
import dev.trellis.desktop.ui.MainWindow;
import dev.trellis.desktop.ui.PreferencesDialog;
import dev.trellis.protocol.localapi.BackendState;
import dev.trellis.protocol.localapi.client.LocalApi;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import javafx.application.Platform;
import javafx.stage.Stage;

/**
 * The running app: the window, the tray, the watcher and the controller, wired together. Built
 * by {@link TrellisDesktopApp} from the command line, and by tests from {@link Parts} of their
 * own (a fake daemon's socket, a recording URL opener, no tray or a real one).
 *
 * <p>Threads: the watcher's threads deliver snapshots, which hop to the FX thread to be shown;
 * the tray calls back on its own thread into the controller, which runs LocalAPI calls on its
 * worker; everything that touches the window runs on the FX thread.
 */
public final class DesktopRuntime {
    private static final Logger LOG = Logger.getLogger(DesktopRuntime.class.getName());

    /**
     * The replaceable parts.
     *
     * @param trayOpener opens the tray (off the FX thread) with the click handler it is given
     * @param notifier null: choose at start (the desktop's notification service, else popups)
     * @param startedAtMillis when the process started (epoch ms), for the "ready in" measurement
     * @param first a status fetch started before JavaFX was (null: none); shown if it comes first
     */
    public record Parts(LocalApi api, UrlOpener opener, Clock clock, Function<Consumer<Action>, Tray> trayOpener,
            Notifier notifier, AppSettings settings, Autostart autostart, Duration poll, Duration retry,
            boolean hidden, Path stateFile, long startedAtMillis, CompletableFuture<DaemonSnapshot> first) {
        public Parts {
            Objects.requireNonNull(api);
            Objects.requireNonNull(opener);
            Objects.requireNonNull(clock);
            Objects.requireNonNull(trayOpener);
            Objects.requireNonNull(settings);
            Objects.requireNonNull(autostart);
        }
    }

    private final Parts parts;
    private final Stage stage;
    private final MainWindow window;
    private final AppController controller;
    private final DaemonWatcher watcher;
    private final NotificationPolicy policy = new NotificationPolicy();
    private final StateFile stateFile;

    // FX thread only.
    private volatile Tray tray = new NoTray("starting");
    private boolean trayKnown;
    private Notifier notifier;
    private AppView view;
    private DaemonSnapshot snapshot;
    private boolean connectTried;
    private long readyMillis = -1;
    private long answerMillis = -1;
    private long trayMillis = -1;
    private String lastError;
    private boolean stopped;
    private PreferencesDialog preferences;

    public DesktopRuntime(Stage stage, Parts parts) {
        this.stage = stage;
        this.parts = parts;
        this.controller = new AppController(parts.api(), parts.opener(), new Hooks(), parts.clock());
        this.window = new MainWindow(stage, controller::perform);
        this.watcher = new DaemonWatcher(parts.api(), parts.clock(), parts.poll(), parts.retry(), this::snapshot,
                controller::onNotify);
        this.stateFile = parts.stateFile() == null ? null : new StateFile(parts.stateFile());
        this.notifier = parts.notifier();
    }

    public MainWindow window() {
        return window;
    }

    public AppController controller() {
        return controller;
    }

    /** The tray in use (a {@link NoTray} until it is known). */
    public Tray tray() {
        return tray;
    }

    /** Shows the window (unless hidden), opens the tray in the background and starts watching. FX thread. */
    public void start() {
        Platform.setImplicitExit(false);
        view = AppView.of(DaemonSnapshot.loading(parts.clock().instant()), parts.clock().instant());
        window.show(view, parts.clock().instant());
        stage.setOnCloseRequest(e -> {
            if (!tray.available()) {
                quit(); // with no tray, closing the window is the only way out
            }
        });
        if (!parts.hidden()) {
            stage.show();
        }
        Thread.ofPlatform().daemon().name("trellis-desktop-tray").start(() -> {
            Tray t;
            try {
                t = parts.trayOpener().apply(controller::perform);
            } catch (RuntimeException e) {
                t = new NoTray("the tray failed to start: " + e.getMessage());
            }
            Notifier n = notifier != null ? notifier : Notifiers.choose(window);
            Tray opened = t;
            Platform.runLater(() -> trayOpened(opened, n));
        });
        if (parts.first() != null) {
            parts.first().thenAccept(this::snapshot);
        }
        watcher.start();
    }

    private void trayOpened(Tray t, Notifier n) {
        if (stopped) {
            t.close();
            return;
        }
        tray = t;
        notifier = n;
        trayKnown = true;
        trayMillis = sinceStart();
        window.setTrayNotice(t.available() ? null : t.unavailableReason());
        if (!t.available() && !stage.isShowing()) {
            stage.show(); // hidden start, but no tray to live in
        }
        showInTray();
        checkReady();
    }

    private void snapshot(DaemonSnapshot s) {
        controller.onSnapshot(s);
        Platform.runLater(() -> apply(s));
    }

    private void apply(DaemonSnapshot s) {
        if (stopped || snapshot != null && s.at().isBefore(snapshot.at())) {
            return; // the early fetch, arriving after a fresher one
        }
        snapshot = s;
        view = AppView.of(s, parts.clock().instant());
        window.show(view, parts.clock().instant());
        if (answerMillis < 0) {
            answerMillis = sinceStart();
        }
        showInTray();
        if (notifier != null) {
            for (Notice notice : policy.next(view, parts.clock().instant())) {
                notifier.show(notice);
            }
        }
        if (!connectTried && s.reach() == DaemonSnapshot.Reach.OK) {
            connectTried = true;
            if (s.status().backendState() == BackendState.STOPPED && parts.settings().connectOnStart()) {
                controller.perform(Action.of(Action.Kind.CONNECT));
            }
        }
        checkReady();
        writeState();
    }

    private void showInTray() {
        if (view != null) {
            tray.update(view.state(), view.tooltip(), TrayMenu.build(view));
        }
    }

    /** Ready: the daemon's answer is on screen (window or tray) and the tray is settled. */
    private void checkReady() {
        if (readyMillis >= 0 || !trayKnown || snapshot == null) {
            return;
        }
        readyMillis = sinceStart();
        LOG.info(() -> "ready in " + readyMillis + " ms (daemon's answer shown at " + answerMillis + " ms, tray at "
                + trayMillis + " ms; tray: " + tray.kind() + ", window: "
                + (stage.isShowing() ? "shown" : "hidden") + ", heap used: "
                + ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024) + " MiB)");
        writeState();
    }

    private long sinceStart() {
        return System.currentTimeMillis() - parts.startedAtMillis();
    }

    private void writeState() {
        if (stateFile == null || view == null) {
            return;
        }
        try {
            stateFile.write(StateFile.shown(view, trayKnown ? tray.kind() : null, lastError, readyMillis));
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot write the state file " + parts.stateFile() + ": " + e.getMessage());
        }
    }

    private void showWindow() {
        if (stage.isIconified()) {
            stage.setIconified(false);
        }
        stage.show();
        stage.toFront();
        stage.requestFocus();
    }

    private void showPreferences(String reason) {
        showWindow();
        Preferences before = new Preferences(
                snapshot != null && snapshot.prefs() != null ? snapshot.prefs().controlUrl() : "",
                snapshot != null && snapshot.prefs() != null && Boolean.TRUE.equals(snapshot.prefs().corpDns()),
                parts.autostart().enabled(), parts.settings().connectOnStart());
        if (reason != null) {
            window.showActionError(reason);
        }
        if (preferences != null && preferences.stage().isShowing()) {
            preferences.stage().toFront();
            return;
        }
        preferences = new PreferencesDialog(stage, before, () -> controller.perform(Action.of(Action.Kind.LOG_OUT)),
                after -> savePreferences(before, after));
        preferences.show();
    }

    private void savePreferences(Preferences before, Preferences after) {
        try {
            if (before.startAtLogin() != after.startAtLogin()) {
                parts.autostart().setEnabled(after.startAtLogin());
            }
            if (before.connectOnStart() != after.connectOnStart()) {
                parts.settings().setConnectOnStart(after.connectOnStart());
            }
        } catch (IOException e) {
            window.showActionError("Could not save the app's settings: " + e.getMessage());
        }
        try {
            controller.applyPreferences(before, after);
        } catch (IllegalArgumentException e) {
            window.showActionError("Login server: " + e.getMessage());
        }
    }

    /** Quits the app (never the daemon). Any thread. */
    public void quit() {
        Platform.runLater(() -> {
            stop();
            Platform.exit();
        });
    }

    /** Lets go of everything. FX thread; idempotent. */
    public void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        watcher.close();
        controller.close();
        tray.close();
        if (notifier instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                // closing anyway
            }
        }
    }

    private final class Hooks implements AppController.Hooks {
        @Override
        public void copy(String text) {
            Platform.runLater(() -> Clipboards.copy(text));
        }

        @Override
        public void openWindow() {
            Platform.runLater(DesktopRuntime.this::showWindow);
        }

        @Override
        public void openPreferences(String reason) {
            Platform.runLater(() -> showPreferences(reason));
        }

        @Override
        public void quit() {
            DesktopRuntime.this.quit();
        }

        @Override
        public void actionError(String message) {
            Platform.runLater(() -> {
                lastError = message;
                window.showActionError(message);
                writeState();
            });
        }

        @Override
        public void refresh() {
            watcher.refresh();
        }
    }
}
