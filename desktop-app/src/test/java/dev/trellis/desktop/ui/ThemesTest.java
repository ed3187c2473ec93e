package dev.trellis.desktop.ui;

import static dev.trellis.desktop.ui.Harness.fx;
import static org.assertj.core.api.Assertions.assertThat;

import javafx.application.ColorScheme;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.layout.Pane;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** The look follows the desktop's colour scheme, live, unless -Dtrellis.theme says otherwise. */
@ExtendWith(ApplicationExtension.class)
class ThemesTest {
    @Start
    void start(Stage stage) {}

    @AfterEach
    void clear() {
        System.clearProperty(Themes.PROPERTY);
    }

    @Test
    void thePropertyForcesATheme() {
        System.setProperty(Themes.PROPERTY, "dark");
        Scene dark = fx(() -> themed());
        assertThat(dark.getStylesheets()).containsExactly(Themes.BASE, Themes.DARK);
        assertThat(Themes.of(dark)).isEqualTo(Themes.Theme.DARK);
        assertThat(dark.getPreferences().getColorScheme()).isEqualTo(ColorScheme.DARK);

        System.setProperty(Themes.PROPERTY, "light");
        fx(() -> {
            Themes.apply(dark); // again, after the property changed
            return null;
        });
        assertThat(dark.getStylesheets()).containsExactly(Themes.BASE);
        assertThat(Themes.of(dark)).isEqualTo(Themes.Theme.LIGHT);
    }

    @Test
    void withoutThePropertyTheSceneFollowsTheDesktopAndItsChanges() {
        Scene s = fx(() -> themed());
        ColorScheme desktop = fx(() -> Platform.getPreferences().getColorScheme());
        assertThat(Themes.of(s)).isEqualTo(desktop == ColorScheme.DARK ? Themes.Theme.DARK : Themes.Theme.LIGHT);
        // The scene's colour scheme is the desktop's unless overridden; flipping it is what a desktop change does.
        fx(() -> {
            s.getPreferences().setColorScheme(ColorScheme.DARK);
            return null;
        });
        assertThat(Themes.of(s)).isEqualTo(Themes.Theme.DARK);
        fx(() -> {
            s.getPreferences().setColorScheme(ColorScheme.LIGHT);
            return null;
        });
        assertThat(Themes.of(s)).isEqualTo(Themes.Theme.LIGHT);
    }

    @Test
    void aBadValueFollowsTheDesktop() {
        System.setProperty(Themes.PROPERTY, "purple");
        assertThat(Themes.forced()).isNull();
        System.setProperty(Themes.PROPERTY, " Dark ");
        assertThat(Themes.forced()).isEqualTo(Themes.Theme.DARK);
    }

    private static Scene themed() {
        Scene s = new Scene(new Pane(), 10, 10);
        Themes.apply(s);
        return s;
    }
}
