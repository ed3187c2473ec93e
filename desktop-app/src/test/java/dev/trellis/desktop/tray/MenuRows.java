package dev.trellis.desktop.tray;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the rows of text in a screenshot of an AWT menu window, so a test can click the n-th entry
 * where AWT drew it, and know that the menu is drawn: bands of pixel rows that differ from the
 * menu's background, at least {@value #MIN_TEXT_HEIGHT} pixels tall (a separator's etched line is
 * two).
 */
final class MenuRows {
    static final int MIN_TEXT_HEIGHT = 5;
    /** The menu's 3D border, left out. */
    static final int BORDER = 3;
    /** How far a channel must be from the background to count as ink (disabled text is faint). */
    static final int INK = 40;

    /** A row of text: its first pixel row and the one after its last, in the image. */
    record Row(int top, int bottom) {
        int middle() {
            return (top + bottom) / 2;
        }
    }

    private MenuRows() {}

    static List<Row> textRows(BufferedImage img) {
        int bg = background(img);
        List<Row> rows = new ArrayList<>();
        int start = -1;
        for (int y = BORDER; y <= img.getHeight() - BORDER; y++) {
            boolean ink = y < img.getHeight() - BORDER && hasInk(img, y, bg);
            if (ink && start < 0) {
                start = y;
            } else if (!ink && start >= 0) {
                if (y - start >= MIN_TEXT_HEIGHT) {
                    rows.add(new Row(start, y));
                }
                start = -1;
            }
        }
        return rows;
    }

    private static boolean hasInk(BufferedImage img, int y, int bg) {
        for (int x = BORDER; x < img.getWidth() - BORDER; x++) {
            if (distance(img.getRGB(x, y), bg) > INK) {
                return true;
            }
        }
        return false;
    }

    /** The commonest colour: a menu is mostly background. */
    static int background(BufferedImage img) {
        Map<Integer, Integer> counts = new HashMap<>();
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                counts.merge(img.getRGB(x, y) & 0xffffff, 1, Integer::sum);
            }
        }
        return counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    static int distance(int a, int b) {
        int d = 0;
        for (int shift = 0; shift <= 16; shift += 8) {
            d = Math.max(d, Math.abs(((a >> shift) & 0xff) - ((b >> shift) & 0xff)));
        }
        return d;
    }
}
