package dev.trellis.desktop.icons;

import dev.trellis.desktop.model.TrayState;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * The icon of each {@link TrayState}, drawn at the size asked for (so it is crisp at any scale).
 * PLACEHOLDER: a coloured disc per state, until the real icons land.
 */
public final class StateIcons {
    private StateIcons() {}

    /** The icon of {@code state}, {@code size} × {@code size} pixels, ARGB with transparency. */
    public static BufferedImage render(TrayState state, int size) {
        if (size < 8 || size > 1024) {
            throw new IllegalArgumentException("icon size must be 8-1024 pixels, got " + size);
        }
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(switch (state) {
                case UNREACHABLE -> Color.GRAY;
                case NEEDS_LOGIN -> Color.LIGHT_GRAY;
                case CONNECTING -> Color.BLUE;
                case CONNECTED -> Color.GREEN.darker();
                case WARNING -> Color.ORANGE;
                case STOPPED -> Color.DARK_GRAY;
                case ERROR -> Color.RED;
            });
            g.fillOval(1, 1, size - 2, size - 2);
        } finally {
            g.dispose();
        }
        return img;
    }

    /** The same pixels as non-premultiplied ARGB ints, row by row. */
    public static int[] argb(TrayState state, int size) {
        return render(state, size).getRGB(0, 0, size, size, null, 0, size);
    }
}
