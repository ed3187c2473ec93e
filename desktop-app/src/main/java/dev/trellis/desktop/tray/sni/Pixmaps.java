package dev.trellis.desktop.tray.sni;

import dev.trellis.desktop.icons.StateIcons;
import dev.trellis.desktop.model.TrayState;
import dev.trellis.desktop.tray.sni.StatusNotifierItem.Pixmap;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The state icons as StatusNotifierItem pixmaps. The host picks the size that fits its panel (XFCE
 * takes the largest, KDE the closest), so each state goes out at the common tray sizes.
 */
final class Pixmaps {
    /** Panel icon sizes from 16 px (small panels) to 64 px (HiDPI). */
    static final List<Integer> SIZES = List.of(16, 22, 24, 32, 48, 64);

    private static final Map<TrayState, List<Pixmap>> CACHE = new EnumMap<>(TrayState.class);

    private Pixmaps() {}

    /** The icon of {@code state} at every size of {@link #SIZES}. */
    static synchronized List<Pixmap> of(TrayState state) {
        return CACHE.computeIfAbsent(state, s -> {
            List<Pixmap> out = new ArrayList<>(SIZES.size());
            for (int size : SIZES) {
                out.add(encode(StateIcons.argb(s, size), size, size));
            }
            return List.copyOf(out);
        });
    }

    /**
     * ARGB ints (as {@link java.awt.image.BufferedImage#getRGB} gives them: non-premultiplied,
     * row by row) to the spec's ARGB32 in network byte order: per pixel the bytes A, R, G, B.
     */
    static Pixmap encode(int[] argb, int width, int height) {
        if (width <= 0 || height <= 0 || argb.length != width * height) {
            throw new IllegalArgumentException(
                    "a " + width + "x" + height + " pixmap needs " + width * height + " pixels, got " + argb.length);
        }
        byte[] data = new byte[argb.length * 4];
        for (int i = 0; i < argb.length; i++) {
            int p = argb[i];
            data[4 * i] = (byte) (p >>> 24);
            data[4 * i + 1] = (byte) (p >>> 16);
            data[4 * i + 2] = (byte) (p >>> 8);
            data[4 * i + 3] = (byte) p;
        }
        return new Pixmap(width, height, data);
    }
}
