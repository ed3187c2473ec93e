package dev.trellis.desktop.ui;

import javafx.scene.shape.Circle;
import javafx.scene.shape.FillRule;
import javafx.scene.shape.SVGPath;

/**
 * Small vector glyphs on a 16 × 16 grid, filled by CSS ({@code .glyph}, plus one class per glyph)
 * so they follow the theme. Even-odd filling makes the holes (a ring, an outlined sheet).
 */
final class Icons {
    private Icons() {}

    /** Two sheets: copy to the clipboard. */
    static SVGPath copy() {
        return glyph("glyph-copy", "M1 5H10.5V15.5H1Z M2.6 6.6V13.9H8.9V6.6Z "
                + "M5 1H15V11.5H12V9.9H13.4V2.6H6.6V3.5H5Z");
    }

    /** A magnifying glass. */
    static SVGPath search() {
        return glyph("glyph-search", "M6.5 1A5.5 5.5 0 1 0 6.5 12A5.5 5.5 0 1 0 6.5 1Z "
                + "M6.5 2.6A3.9 3.9 0 1 1 6.5 10.4A3.9 3.9 0 1 1 6.5 2.6Z "
                + "M10.2 9.1L15 13.9L13.9 15L9.1 10.2Z");
    }

    /** A triangle with an exclamation mark. */
    static SVGPath warning() {
        return glyph("glyph-warning", "M8 1L15.5 14.5H0.5Z M7.2 5.5H8.8V10H7.2Z M7.2 11.2H8.8V12.8H7.2Z");
    }

    /** A disc with an "i". */
    static SVGPath info() {
        return glyph("glyph-info", "M8 0.5A7.5 7.5 0 1 0 8 15.5A7.5 7.5 0 1 0 8 0.5Z "
                + "M7.2 3.5H8.8V5.1H7.2Z M7.2 6.5H8.8V12.5H7.2Z");
    }

    /** A disc with a bar: something failed. */
    static SVGPath error() {
        return glyph("glyph-error", "M8 0.5A7.5 7.5 0 1 0 8 15.5A7.5 7.5 0 1 0 8 0.5Z "
                + "M7.2 3.5H8.8V9.5H7.2Z M7.2 10.9H8.8V12.5H7.2Z");
    }

    /** A cross: dismiss. */
    static SVGPath close() {
        return glyph("glyph-close", "M3.4 2.3L8 6.9L12.6 2.3L13.7 3.4L9.1 8L13.7 12.6L12.6 13.7L8 9.1L3.4 13.7"
                + "L2.3 12.6L6.9 8L2.3 3.4Z");
    }

    /** The green (online) or grey (offline) dot before a device's name. */
    static Circle dot(boolean online) {
        Circle c = new Circle(4);
        c.getStyleClass().addAll("dot", online ? "online" : "offline");
        return c;
    }

    static void setOnline(Circle dot, boolean online) {
        dot.getStyleClass().removeAll("online", "offline");
        dot.getStyleClass().add(online ? "online" : "offline");
    }

    private static SVGPath glyph(String styleClass, String path) {
        SVGPath p = new SVGPath();
        p.setContent(path);
        p.setFillRule(FillRule.EVEN_ODD);
        p.getStyleClass().addAll("glyph", styleClass);
        return p;
    }
}
