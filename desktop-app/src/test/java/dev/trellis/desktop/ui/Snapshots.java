package dev.trellis.desktop.ui;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javafx.scene.Scene;
import javafx.scene.image.Image;
import javafx.scene.image.PixelFormat;
import javax.imageio.ImageIO;

/** PNG screenshots of scenes, into $TRELLIS_SCREENSHOTS (the pom points it at docs/screenshots). */
final class Snapshots {
    private Snapshots() {}

    static Path dir() {
        String d = System.getenv("TRELLIS_SCREENSHOTS");
        if (d == null || d.isBlank()) {
            throw new IllegalStateException("TRELLIS_SCREENSHOTS is not set (the desktop-app pom sets it for tests)");
        }
        try {
            return Files.createDirectories(Path.of(d));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the screenshot directory " + d, e);
        }
    }

    /** Renders {@code scene} (FX thread) and writes it as {@code name}.png; returns the file. */
    static Path write(Scene scene, String name) {
        return write(scene.snapshot(null), name);
    }

    static Path write(Image image, String name) {
        Path file = dir().resolve(name + ".png");
        try {
            ImageIO.write(toBuffered(image), "png", file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }

    /** The image's pixels in an AWT image (no javafx-swing). */
    static BufferedImage toBuffered(Image image) {
        int w = (int) image.getWidth();
        int h = (int) image.getHeight();
        int[] argb = new int[w * h];
        image.getPixelReader().getPixels(0, 0, w, h, PixelFormat.getIntArgbInstance(), argb, 0, w);
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        out.setRGB(0, 0, w, h, argb, 0, w);
        return out;
    }
}
