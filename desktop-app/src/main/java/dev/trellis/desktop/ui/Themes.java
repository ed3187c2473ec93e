package dev.trellis.desktop.ui;

import java.util.Locale;
import java.util.Objects;
import javafx.application.ColorScheme;
import javafx.scene.Scene;

/**
 * Light and dark looks. A scene follows the desktop's colour scheme (and its changes) unless the
 * system property {@value #PROPERTY} says {@code light} or {@code dark}.
 */
public final class Themes {
    /** {@code -Dtrellis.theme=light|dark} overrides the desktop's choice. */
    public static final String PROPERTY = "trellis.theme";

    static final String BASE = stylesheet("base.css");
    static final String DARK = stylesheet("dark.css");
    private static final String APPLIED = "trellis.theme.applied";
    private static final System.Logger LOG = System.getLogger(Themes.class.getName());

    private Themes() {}

    public enum Theme { LIGHT, DARK }

    /**
     * Styles {@code scene}: the base look, and the dark one whenever the scene's colour scheme is
     * dark. Reads {@value #PROPERTY} now; safe to call again (after changing the property).
     */
    public static void apply(Scene scene) {
        Objects.requireNonNull(scene, "scene");
        Theme forced = forced();
        // The scene's colour scheme follows the platform's while it is null; setting it also tells
        // the window manager which decorations to draw where the platform supports that.
        scene.getPreferences().setColorScheme(forced == null ? null
                : forced == Theme.DARK ? ColorScheme.DARK : ColorScheme.LIGHT);
        if (!scene.getStylesheets().contains(BASE)) {
            scene.getStylesheets().addFirst(BASE);
        }
        if (scene.getProperties().putIfAbsent(APPLIED, Boolean.TRUE) == null) {
            scene.getPreferences().colorSchemeProperty().subscribe(scheme -> show(scene, scheme));
        } else {
            show(scene, scene.getPreferences().getColorScheme());
        }
    }

    /** The theme {@code scene} shows now. */
    public static Theme of(Scene scene) {
        return scene.getStylesheets().contains(DARK) ? Theme.DARK : Theme.LIGHT;
    }

    /** The theme {@value #PROPERTY} asks for, or null when it asks for none. */
    static Theme forced() {
        String v = System.getProperty(PROPERTY, "").strip().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "", "auto", "system" -> null;
            case "light" -> Theme.LIGHT;
            case "dark" -> Theme.DARK;
            default -> {
                LOG.log(System.Logger.Level.WARNING, "-D" + PROPERTY + " must be light, dark or auto, not '"
                        + v + "': following the desktop");
                yield null;
            }
        };
    }

    private static void show(Scene scene, ColorScheme scheme) {
        boolean dark = scheme == ColorScheme.DARK;
        if (dark && !scene.getStylesheets().contains(DARK)) {
            scene.getStylesheets().add(DARK);
        } else if (!dark) {
            scene.getStylesheets().remove(DARK);
        }
    }

    private static String stylesheet(String name) {
        var url = Themes.class.getResource(name);
        if (url == null) {
            throw new IllegalStateException("stylesheet " + name + " is missing from the app's resources");
        }
        return url.toExternalForm();
    }
}
