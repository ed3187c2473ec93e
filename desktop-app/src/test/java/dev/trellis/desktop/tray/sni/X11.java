package dev.trellis.desktop.tray.sni;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;

/** The test display, through xdotool (find windows, click, type) and ImageMagick's import (screenshots). */
final class X11 {
    static final String XDOTOOL = "/usr/bin/xdotool";
    static final String IMPORT = "/usr/bin/import";

    private X11() {}

    /** Runs xdotool with these arguments, at most 10 s; its output. Exit status 1 (nothing found) is an empty answer. */
    static String xdotool(String... args) {
        HostProcess.requireProgram(XDOTOOL);
        List<String> cmd = new ArrayList<>();
        cmd.add(XDOTOOL);
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("xdotool " + String.join(" ", args) + " did not finish in 10 s");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() > 1) {
                throw new AssertionError("xdotool " + String.join(" ", args) + " failed: " + out);
            }
            return p.exitValue() == 0 ? out : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    /** Screen rectangles of the visible windows of this X class. */
    static List<Rectangle> visibleWindows(String xclass) {
        List<Rectangle> out = new ArrayList<>();
        for (String id : xdotool("search", "--onlyvisible", "--class", xclass).split("\\s+")) {
            if (id.isBlank()) {
                continue;
            }
            int x = -1, y = -1, w = -1, h = -1;
            for (String line : xdotool("getwindowgeometry", "--shell", id).split("\n")) {
                String[] kv = line.split("=", 2);
                if (kv.length != 2) {
                    continue;
                }
                switch (kv[0]) {
                    case "X" -> x = Integer.parseInt(kv[1].trim());
                    case "Y" -> y = Integer.parseInt(kv[1].trim());
                    case "WIDTH" -> w = Integer.parseInt(kv[1].trim());
                    case "HEIGHT" -> h = Integer.parseInt(kv[1].trim());
                    default -> { }
                }
            }
            if (w > 0 && h > 0) { // a window that closed between the two calls has no geometry
                out.add(new Rectangle(x, y, w, h));
            }
        }
        return out;
    }

    /**
     * Moves the pointer and clicks. No --sync: it waits for the pointer to move, forever when it
     * already is there; the X server handles the two requests in order anyway.
     */
    static void click(int x, int y, int button) {
        xdotool("mousemove", String.valueOf(x), String.valueOf(y), "click", String.valueOf(button));
    }

    static void moveTo(int x, int y) {
        xdotool("mousemove", String.valueOf(x), String.valueOf(y));
    }

    /** Presses keys on the focused window (a popped up menu grabs the keyboard). */
    static void keys(String... keys) {
        List<String> args = new ArrayList<>(List.of("key", "--delay", "60"));
        args.addAll(List.of(keys));
        xdotool(args.toArray(String[]::new));
    }

    /**
     * A screenshot of part of the screen, taken by ImageMagick's import. Not AWT's Robot: it loads
     * GTK into the test JVM, whose accessibility bridge then autolaunches a D-Bus session bus and
     * at-spi (no DBUS_SESSION_BUS_ADDRESS here): processes no test started by pid. Always 8-bit RGB
     * (png24): import writes an all-grey area as a greyscale PNG, whose grey ImageIO takes as
     * linear and brightens (a dark panel's #353535 read back as #7e7e7e).
     */
    static BufferedImage capture(Rectangle r) {
        HostProcess.requireProgram(IMPORT);
        try {
            Process p = new ProcessBuilder(IMPORT, "-window", "root", "-crop",
                    r.width + "x" + r.height + "+" + r.x + "+" + r.y, "+repage", "png24:-")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            byte[] png = p.getInputStream().readAllBytes(); // ends when import exits
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new AssertionError("import could not take a screenshot of " + r);
            }
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
            if (img == null) {
                throw new AssertionError("import gave no PNG for " + r);
            }
            return img;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    /** Writes a screenshot to $TRELLIS_SCREENSHOTS (docs/screenshots from the pom) under a stable name. */
    static Path save(BufferedImage image, String name) {
        String dir = System.getenv("TRELLIS_SCREENSHOTS");
        Path out = Path.of(dir != null && !dir.isBlank() ? dir : "target/screenshots").resolve(name);
        try {
            Files.createDirectories(out.getParent());
            ImageIO.write(image, "png", out.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** How many pixels differ from {@code rgb} by more than {@code tolerance} in some channel. */
    static int pixelsNot(BufferedImage img, int rgb, int tolerance) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if (distance(img.getRGB(x, y), rgb) > tolerance) {
                    n++;
                }
            }
        }
        return n;
    }

    /** How many pixels differ between two images of the same size. */
    static int pixelsDiffering(BufferedImage a, BufferedImage b, int tolerance) {
        int n = 0;
        for (int y = 0; y < Math.min(a.getHeight(), b.getHeight()); y++) {
            for (int x = 0; x < Math.min(a.getWidth(), b.getWidth()); x++) {
                if (distance(a.getRGB(x, y), b.getRGB(x, y)) > tolerance) {
                    n++;
                }
            }
        }
        return n;
    }

    private static int distance(int p, int q) {
        return Math.max(Math.abs((p >> 16 & 0xff) - (q >> 16 & 0xff)),
                Math.max(Math.abs((p >> 8 & 0xff) - (q >> 8 & 0xff)), Math.abs((p & 0xff) - (q & 0xff))));
    }
}
