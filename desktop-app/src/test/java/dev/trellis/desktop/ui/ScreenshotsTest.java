package dev.trellis.desktop.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.desktop.model.Preferences;
import dev.trellis.desktop.testing.Fixtures;
import dev.trellis.desktop.testing.Fixtures.Scenario;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Writes docs/screenshots/window-&lt;scenario&gt;-&lt;light|dark&gt;.png for every scenario and
 * preferences-&lt;light|dark&gt;.png, at a fixed size, for the README and for review.
 */
@ExtendWith(ApplicationExtension.class)
class ScreenshotsTest {
    @Start
    void start(Stage stage) {}

    @AfterEach
    void clearTheme() {
        System.clearProperty(Themes.PROPERTY);
    }

    @ParameterizedTest
    @EnumSource(Scenario.class)
    void window(Scenario scenario, FxRobot robot) {
        for (String theme : new String[] {"light", "dark"}) {
            System.setProperty(Themes.PROPERTY, theme);
            AtomicReference<Path> file = new AtomicReference<>();
            robot.interact(() -> {
                MainWindow w = new MainWindow(new Stage(), a -> {});
                w.show(Fixtures.view(scenario), Fixtures.NOW);
                w.stage().show();
            });
            WaitForAsyncUtils.waitForFxEvents();
            robot.interact(() -> {
                Stage s = (Stage) robot.listTargetWindows().getLast();
                assertThat(s.getScene().getWidth()).isEqualTo(MainWindow.WIDTH);
                assertThat(Themes.of(s.getScene()).name().toLowerCase(Locale.ROOT)).isEqualTo(theme);
                s.getScene().getRoot().lookupAll("#peers").stream().filter(Harness::shown).forEach(t -> assertThat(
                        ((PeerTable) t).fits()).as("wide enough: no sideways scrolling").isTrue());
                file.set(Snapshots.write(s.getScene(),
                        "window-" + scenario.name().toLowerCase(Locale.ROOT).replace('_', '-') + "-" + theme));
                s.close();
            });
            assertThat(file.get()).exists();
        }
    }

    /** The banners, a selected row and the search field in use, to review how they look. */
    @Test
    void windowWithBannersAndASelection(FxRobot robot) {
        for (String theme : new String[] {"light", "dark"}) {
            System.setProperty(Themes.PROPERTY, theme);
            AtomicReference<MainWindow> w = new AtomicReference<>();
            robot.interact(() -> {
                w.set(new MainWindow(new Stage(), a -> {}));
                w.get().show(Fixtures.view(Scenario.WARNING), Fixtures.NOW);
                w.get().setTrayNotice("no StatusNotifierWatcher on the session bus");
                w.get().showActionError("Connect failed: trellisd answered 403 Forbidden");
                w.get().stage().show();
                w.get().peers().search().setText("alice");
                w.get().peers().table().getSelectionModel().select(1);
                w.get().peers().table().requestFocus();
            });
            WaitForAsyncUtils.waitForFxEvents();
            robot.interact(() -> {
                Snapshots.write(w.get().stage().getScene(), "window-banners-" + theme);
                w.get().stage().close();
            });
        }
    }

    /** The window at its minimum size: nothing overlaps, long text ends in an ellipsis. */
    @Test
    void windowAtItsMinimumSize(FxRobot robot) {
        System.setProperty(Themes.PROPERTY, "light");
        AtomicReference<MainWindow> w = new AtomicReference<>();
        robot.interact(() -> {
            w.set(new MainWindow(new Stage(), a -> {}));
            w.get().show(Fixtures.view(Scenario.WARNING), Fixtures.NOW);
            w.get().stage().show();
            w.get().stage().setWidth(w.get().stage().getMinWidth());
            w.get().stage().setHeight(w.get().stage().getMinHeight());
        });
        WaitForAsyncUtils.waitForFxEvents();
        robot.interact(() -> {
            assertThat(w.get().stage().getScene().getWidth()).isEqualTo(w.get().stage().getMinWidth());
            assertThat(w.get().peers().table().fits()).as("too narrow: scrolls sideways").isFalse();
            Snapshots.write(w.get().stage().getScene(), "window-minimum-light");
            w.get().stage().close();
        });
    }

    @Test
    void preferences(FxRobot robot) throws Exception {
        for (String theme : new String[] {"light", "dark"}) {
            System.setProperty(Themes.PROPERTY, theme);
            AtomicReference<PreferencesDialog> d = new AtomicReference<>();
            robot.interact(() -> {
                d.set(new PreferencesDialog(null, new Preferences(Fixtures.CONTROL_URL, true, true, false),
                        () -> {}, p -> {}));
                d.get().show();
            });
            WaitForAsyncUtils.waitForFxEvents();
            AtomicReference<Path> file = new AtomicReference<>();
            robot.interact(() -> {
                file.set(Snapshots.write(d.get().stage().getScene(), "preferences-" + theme));
                d.get().stage().close();
            });
            assertThat(Files.size(file.get())).isPositive();
        }
    }
}
