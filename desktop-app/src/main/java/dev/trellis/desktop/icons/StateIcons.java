package dev.trellis.desktop.icons;

import dev.trellis.desktop.icons.IconPainter.Badge;
import dev.trellis.desktop.icons.IconPainter.Links;
import dev.trellis.desktop.icons.IconPainter.Look;
import dev.trellis.desktop.model.TrayState;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.Objects;

/**
 * The icon of each {@link TrayState}: one Trellis glyph (five nodes of a lattice on a rounded
 * tile, joined by links) with a treatment per state, drawn as vector shapes at the size asked for
 * so it is crisp at every panel size and HiDPI scale rather than a scaled bitmap.
 *
 * <p>Every state differs from every other in more than colour, so the icons stay apart at 16 px
 * and for colour-blind eyes:
 *
 * <ul>
 *   <li>{@link TrayState#CONNECTED}: solid green tile, every link.
 *   <li>{@link TrayState#WARNING}: the same, with an amber triangle badge.
 *   <li>{@link TrayState#CONNECTING}: solid blue tile, half of the outer links still missing.
 *   <li>{@link TrayState#NEEDS_LOGIN}: outlined light tile, every link, a padlock badge.
 *   <li>{@link TrayState#STOPPED}: outlined light tile, hollow nodes, no links.
 *   <li>{@link TrayState#UNREACHABLE}: grey tile, faint lattice, struck through.
 *   <li>{@link TrayState#ERROR}: dark slate tile, a red badge with an X.
 * </ul>
 *
 * <p>Mid-tone tiles carry a darker rim, the dark tile a light one, and outlined tiles a light
 * fill, so each icon has a light and a dark edge and reads on light and dark panels alike. Badges
 * sit in a transparent gap cut from the tile, which keeps them apart from the glyph whatever the
 * panel's colour.
 */
public final class StateIcons {
    /** The smallest and largest sizes drawn; outside them the glyph would be mush or a memory bomb. */
    public static final int MIN_SIZE = 8;
    public static final int MAX_SIZE = 1024;

    static final Color GREEN = new Color(0x1E9A68);
    static final Color GREEN_RIM = new Color(0x0F5E3F);
    static final Color BLUE = new Color(0x2F6FDB);
    static final Color BLUE_RIM = new Color(0x1A428C);
    static final Color SLATE = new Color(0x465263);
    /** A light edge for the one dark tile, which would otherwise sink into a dark panel. */
    static final Color SLATE_EDGE = new Color(0x9AA4B2);
    static final Color GREY = new Color(0x9AA0A8);
    static final Color GREY_RIM = new Color(0x5C626B);
    static final Color PAPER = new Color(0xF4F6F8);
    static final Color WHITE = Color.WHITE;

    private StateIcons() {}

    /**
     * The icon of {@code state}, {@code size} × {@code size} pixels, ARGB with transparency.
     *
     * @throws IllegalArgumentException when {@code size} is outside {@value #MIN_SIZE}–{@value #MAX_SIZE}
     */
    public static BufferedImage render(TrayState state, int size) {
        Objects.requireNonNull(state, "state");
        if (size < MIN_SIZE || size > MAX_SIZE) {
            throw new IllegalArgumentException(
                    "icon size must be " + MIN_SIZE + "-" + MAX_SIZE + " pixels, got " + size);
        }
        return IconPainter.paint(look(state), size);
    }

    /** The same pixels as non-premultiplied ARGB ints, row by row (what StatusNotifierItem's IconPixmap wants, after a byte-order swap). */
    public static int[] argb(TrayState state, int size) {
        return render(state, size).getRGB(0, 0, size, size, null, 0, size);
    }

    static Look look(TrayState state) {
        return switch (state) {
            case CONNECTED -> new Look(GREEN, GREEN_RIM, WHITE, Links.ALL, true, Badge.NONE);
            case WARNING -> new Look(GREEN, GREEN_RIM, WHITE, Links.ALL, true, Badge.WARNING);
            case CONNECTING -> new Look(BLUE, BLUE_RIM, WHITE, Links.PARTIAL, true, Badge.NONE);
            case NEEDS_LOGIN -> new Look(PAPER, SLATE, SLATE, Links.ALL, true, Badge.LOCK);
            case STOPPED -> new Look(PAPER, GREY_RIM, GREY_RIM, Links.NONE, false, Badge.NONE);
            case UNREACHABLE -> new Look(GREY, GREY_RIM, new Color(0xD9DCE0), Links.ALL, true, Badge.SLASH);
            case ERROR -> new Look(SLATE, SLATE_EDGE, new Color(0xC9CED6), Links.ALL, true, Badge.ERROR);
        };
    }
}
