package dev.trellis.desktop.icons;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.desktop.model.TrayState;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * Writes the contact sheet {@code tray-icons.png}: every state at every panel size, on a light and
 * on a dark panel, and the 16 px icon blown up four times (nearest neighbour) to judge its pixels.
 */
class IconSheetTest {
    static final int[] SIZES = {16, 22, 24, 32, 48, 64};
    static final Color LIGHT = new Color(0xEDEDED);
    static final Color DARK = new Color(0x2B2B2B);
    static final int LABEL_W = 190;
    static final int ZOOM = 4;
    static final int PAD = 12;

    @Test
    void writesTheContactSheet() throws IOException {
        int cellsW = 0;
        for (int size : SIZES) {
            cellsW += size + PAD;
        }
        cellsW += 16 * ZOOM + PAD;
        int rowH = Math.max(64, 16 * ZOOM) + PAD * 2;
        int headH = 44;
        TrayState[] states = TrayState.values();
        int w = LABEL_W + 2 * (cellsW + PAD);
        int h = headH + rowH * states.length;
        BufferedImage sheet = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, w, h);
            Font font = new Font("DejaVu Sans", Font.PLAIN, 13);
            g.setFont(font);
            int x0 = LABEL_W;
            for (Color bg : new Color[] {LIGHT, DARK}) {
                g.setColor(bg);
                g.fillRect(x0, 0, cellsW + PAD, h);
                Color fg = bg == LIGHT ? Color.BLACK : new Color(0xE0E0E0);
                int x = x0 + PAD;
                g.setColor(fg);
                for (int size : SIZES) {
                    centred(g, Integer.toString(size), x + size / 2, 20);
                    x += size + PAD;
                }
                centred(g, "16 ×" + ZOOM, x + 8 * ZOOM, 20);
                g.drawString(bg == LIGHT ? "light panel" : "dark panel", x0 + PAD, 38);
                for (int r = 0; r < states.length; r++) {
                    int y = headH + r * rowH;
                    x = x0 + PAD;
                    for (int size : SIZES) {
                        g.drawImage(StateIcons.render(states[r], size), x, y + (rowH - size) / 2, null);
                        x += size + PAD;
                    }
                    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION,
                            RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
                    g.drawImage(StateIcons.render(states[r], 16), x, y + (rowH - 16 * ZOOM) / 2, 16 * ZOOM,
                            16 * ZOOM, null);
                }
                x0 += cellsW + PAD;
            }
            g.setColor(Color.BLACK);
            for (int r = 0; r < states.length; r++) {
                int y = headH + r * rowH + rowH / 2;
                g.drawString(states[r].name(), PAD, y);
                g.setColor(Color.DARK_GRAY);
                g.drawString(states[r].label(), PAD, y + 17);
                g.setColor(Color.BLACK);
            }
        } finally {
            g.dispose();
        }
        Path out = screenshots().resolve("tray-icons.png");
        ImageIO.write(sheet, "png", out.toFile());
        assertThat(out).isNotEmptyFile();
    }

    private static void centred(Graphics2D g, String text, int cx, int baseline) {
        g.drawString(text, cx - g.getFontMetrics().stringWidth(text) / 2, baseline);
    }

    static Path screenshots() throws IOException {
        String dir = System.getenv("TRELLIS_SCREENSHOTS");
        Path p = dir != null && !dir.isBlank() ? Path.of(dir) : Path.of("target", "screenshots");
        return Files.createDirectories(p);
    }
}
