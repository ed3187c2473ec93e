package dev.trellis.desktop;

import dev.trellis.desktop.app.DaemonWatcher;
import dev.trellis.desktop.model.DaemonSnapshot;
import dev.trellis.desktop.platform.AppSettings;
import dev.trellis.desktop.platform.Autostart;
import dev.trellis.desktop.platform.DesktopOpener;
import dev.trellis.desktop.tray.TrayOptions;
import dev.trellis.desktop.tray.Trays;
import dev.trellis.desktop.ui.Themes;
import dev.trellis.protocol.localapi.client.LocalApi;
import dev.trellis.protocol.localapi.client.UnixSocketLocalApi;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javafx.application.Application;
import javafx.stage.Stage;

/** The JavaFX application: builds a {@link DesktopRuntime} from the command line {@link Main} parsed. */
public final class TrellisDesktopApp extends Application {
    /** Status is fetched this often when nothing happens (paths, latency and counters change quietly). */
    static final Duration POLL = Duration.ofSeconds(2);
    /** A daemon that went away is looked for again this often. */
    static final Duration RETRY = Duration.ofSeconds(1);

    private static volatile DesktopOptions options;
    private static volatile LocalApi api;
    private static volatile CompletableFuture<DaemonSnapshot> first;
    private DesktopRuntime runtime;

    /**
     * Takes the command line and, while JavaFX starts, asks the daemon for its status on a thread
     * of its own: the answer, and the JSON codec's warm-up, are then ready with the window.
     */
    static void configure(DesktopOptions o) {
        options = o;
        LocalApi a = new UnixSocketLocalApi(o.socket(), Duration.ofSeconds(15), "trellis-desktop/" + Main.version());
        api = a;
        first = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("trellis-desktop-first-status")
                .start(() -> first.complete(DaemonWatcher.fetchOnce(a, Clock.systemUTC())));
    }

    @Override
    public void start(Stage stage) {
        DesktopOptions o = options;
        if (o == null) {
            throw new IllegalStateException("start trellis-desktop through dev.trellis.desktop.Main");
        }
        if (!o.theme().equals("auto")) {
            System.setProperty(Themes.PROPERTY, o.theme());
        }
        TrayOptions trayOptions = TrayOptions.fromEnvironment(System.getenv());
        if (!o.tray().equals("auto")) {
            trayOptions = trayOptions.withKind(o.tray());
        }
        TrayOptions chosen = trayOptions;
        DesktopRuntime.Parts parts = new DesktopRuntime.Parts(
                api,
                new DesktopOpener(o.browser(), url -> getHostServices().showDocument(url)),
                Clock.systemUTC(),
                onAction -> Trays.open(chosen, onAction),
                null,
                AppSettings.atDefaultPlace(),
                new Autostart(Autostart.defaultFile(), autostartCommand()),
                POLL, RETRY, o.hidden(), o.stateFile(),
                ManagementFactory.getRuntimeMXBean().getStartTime(), first);
        runtime = new DesktopRuntime(stage, parts);
        runtime.start();
    }

    /** The launcher (from {@code bin/trellis-desktop}, which says where it is) and {@code --hidden}. */
    private static List<String> autostartCommand() {
        List<String> cmd = new ArrayList<>();
        String launcher = System.getProperty("trellis.launcher");
        cmd.add(launcher != null && !launcher.isBlank() ? launcher : "trellis-desktop");
        cmd.add("--hidden");
        return cmd;
    }

    @Override
    public void stop() {
        if (runtime != null) {
            runtime.stop();
        }
    }
}
