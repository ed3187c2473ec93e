package dev.trellis.desktop.ui;

import dev.trellis.desktop.icons.StateIcons;
import dev.trellis.desktop.model.TrayState;
import java.util.ArrayList;
import java.util.List;
import javafx.scene.image.Image;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;

/**
 * The state icons as JavaFX images, copied pixel by pixel from {@link StateIcons} (no
 * javafx-swing: the window must not need the Swing bridge).
 */
public final class StateImages {
    /** The sizes a window icon comes in; the desktop picks the one it needs. */
    private static final int[] WINDOW_ICON_SIZES = {16, 24, 32, 48, 64, 128, 256};

    private StateImages() {}

    /** The icon of {@code state}, {@code pixels} × {@code pixels} (8 to 1024). */
    public static Image of(TrayState state, int pixels) {
        int[] argb = StateIcons.argb(state, pixels);
        WritableImage img = new WritableImage(pixels, pixels);
        // StateIcons gives non-premultiplied ARGB, which is what IntArgb means to JavaFX.
        img.getPixelWriter().setPixels(0, 0, pixels, pixels, PixelFormat.getIntArgbInstance(), argb, 0, pixels);
        return img;
    }

    /**
     * The icon for a place {@code logicalSize} units wide on an output that scales by
     * {@code scale}: that many physical pixels, so it is drawn 1:1 and stays sharp.
     */
    public static Image forScale(TrayState state, double logicalSize, double scale) {
        int px = (int) Math.ceil(logicalSize * Math.max(1.0, scale));
        return of(state, Math.clamp(px, 8, 1024));
    }

    /** The window icons of {@code state}, in every size a desktop may ask for. */
    public static List<Image> windowIcons(TrayState state) {
        List<Image> out = new ArrayList<>(WINDOW_ICON_SIZES.length);
        for (int size : WINDOW_ICON_SIZES) {
            out.add(of(state, size));
        }
        return out;
    }
}
