package dev.trellis.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.desktop.platform.AppSettings;
import dev.trellis.desktop.platform.Autostart;
import dev.trellis.desktop.testing.FakeDaemon;
import dev.trellis.desktop.testing.Fixtures;
import dev.trellis.desktop.testing.Fixtures.Scenario;
import dev.trellis.desktop.tray.NoTray;
import dev.trellis.protocol.localapi.LocalApiPaths;
import dev.trellis.protocol.localapi.client.UnixSocketLocalApi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Starting as "Start at login" does: hidden, with "connect on start" set, on a desktop that has no
 * tray. The window shows anyway (there is nowhere else to live) and says why, and a stopped node
 * is connected without a click.
 */
@ExtendWith(ApplicationExtension.class)
class DesktopRuntimeStartTest {
    private Path dir;
    private FakeDaemon daemon;
    private DesktopRuntime runtime;
    private Stage stage;

    @Start
    void start(Stage stage) throws Exception {
        this.stage = stage;
        dir = Files.createTempDirectory("trellis-desktop-start");
        AppSettings settings = new AppSettings(dir.resolve("desktop.properties"));
        settings.setConnectOnStart(true);
        daemon = new FakeDaemon(dir.resolve("trellisd.sock"), Fixtures.snapshot(Scenario.STOPPED).status(),
                Fixtures.prefs(false));
        runtime = new DesktopRuntime(stage, new DesktopRuntime.Parts(
                new UnixSocketLocalApi(dir.resolve("trellisd.sock"), Duration.ofSeconds(5), "test"), url -> { },
                Clock.systemUTC(), handler -> new NoTray("no tray on this test's display"), notice -> { }, settings,
                new Autostart(dir.resolve("autostart.desktop"), List.of("/bin/true")), Duration.ofMillis(300),
                Duration.ofMillis(100), true, null, System.currentTimeMillis(), null));
        runtime.start();
    }

    @AfterEach
    void stop() throws Exception {
        WaitForAsyncUtils.asyncFx(runtime::stop).get(10, TimeUnit.SECONDS);
        daemon.close();
    }

    @Test
    void hiddenWithoutATrayShowsTheWindowAndConnectOnStartConnects() throws Exception {
        var r = daemon.nextAction(Duration.ofSeconds(10));
        assertThat(r.method() + " " + r.target()).isEqualTo("POST " + LocalApiPaths.START);
        assertThat(r.bodyText()).contains("\"WantRunning\":true");
        try {
            WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> WaitForAsyncUtils.asyncFx(stage::isShowing)
                    .get(5, TimeUnit.SECONDS));
        } catch (TimeoutException e) {
            throw new AssertionError("the window never showed, with no tray to live in", e);
        }
        assertThat(runtime.tray().available()).isFalse();
        assertThat(daemon.actions).isEmpty(); // connected once, not on every refresh
    }
}
