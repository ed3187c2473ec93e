package dev.trellis.desktop.tray;

import java.awt.Rectangle;
import java.time.Duration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.opentest4j.AssertionFailedError;

/**
 * The X tools the tray tests drive the test JVM's display with: {@code xwininfo} (package
 * x11-utils) to find windows, {@code xdotool} to click. A missing tool fails the test, naming the
 * package to install.
 */
final class X11 {
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(10);

    /** A window of {@code xwininfo -root -tree}: absolute geometry, and its parent (0 for the root's children). */
    record Win(long id, String name, Rectangle bounds, long parent) {}

    private static final Pattern LINE = Pattern.compile(
            "^(\\s*)(0x[0-9a-f]+) (\"(.*)\"|\\(has no name\\)): \\(.*?\\)\\s+(\\d+)x(\\d+)[+-]-?\\d+[+-]-?\\d+"
                    + "\\s+\\+(-?\\d+)\\+(-?\\d+)\\s*$");

    private X11() {}

    static void require(String tool, String debianPackage) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return;
            }
        }
        throw new AssertionFailedError(tool + " is missing: the tray tests need it on the test display;"
                + " apt-get install -y " + debianPackage + " (.ci/run installs it)");
    }

    /** Every window on the display, parents before children. */
    static List<Win> windows() {
        // xwininfo fails (BadWindow) when a window goes while it walks the tree: take another snapshot
        String out = Await.until("a snapshot of the window tree", TOOL_TIMEOUT,
                () -> Optional.ofNullable(tryRun("xwininfo", "-root", "-tree")),
                () -> "xwininfo -root -tree kept failing");
        List<Win> wins = new ArrayList<>();
        List<int[]> stack = new ArrayList<>(); // [indent, index in wins]
        for (String line : out.split("\n")) {
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            int indent = m.group(1).length();
            while (!stack.isEmpty() && stack.getLast()[0] >= indent) {
                stack.removeLast();
            }
            long parent = stack.isEmpty() ? 0 : wins.get(stack.getLast()[1]).id();
            String name = m.group(4) != null ? m.group(4) : "";
            wins.add(new Win(Long.decode(m.group(2)), name, new Rectangle(Integer.parseInt(m.group(7)),
                    Integer.parseInt(m.group(8)), Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6))), parent));
            stack.add(new int[] {indent, wins.size() - 1});
        }
        return wins;
    }

    /** The windows under {@code ancestor}, at any depth. */
    static List<Win> descendants(List<Win> all, long ancestor) {
        List<Win> out = new ArrayList<>();
        List<Long> ids = new ArrayList<>(List.of(ancestor));
        for (Win w : all) { // parents come before children
            if (ids.contains(w.parent())) {
                out.add(w);
                ids.add(w.id());
            }
        }
        return out;
    }

    static boolean viewable(long id) {
        String out = tryRun("xwininfo", "-id", Long.toString(id));
        return out != null && out.contains("Map State: IsViewable");
    }

    /** The viewable top-level windows named {@code name}. */
    static Optional<Win> viewableTopLevel(String name) {
        return windows().stream().filter(w -> w.parent() == 0 && w.name().equals(name) && viewable(w.id()))
                .findFirst();
    }

    static void xdotool(String... args) {
        List<String> cmd = new ArrayList<>(List.of("xdotool"));
        cmd.addAll(List.of(args));
        run(cmd.toArray(String[]::new));
    }

    static String run(String... cmd) {
        String out = tryRun(cmd);
        if (out == null) {
            throw new AssertionFailedError(String.join(" ", cmd) + " failed");
        }
        return out;
    }

    /** The command's output, or null when it exits non-zero. */
    static String tryRun(String... cmd) {
        Path out = null;
        try {
            // output to a file, not a pipe: a tool that hangs can't block the test past the timeout
            out = Files.createTempFile("trellis-x11-", ".out");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(TOOL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new AssertionFailedError(String.join(" ", cmd) + " did not finish in " + TOOL_TIMEOUT);
            }
            return p.exitValue() == 0 ? Files.readString(out, StandardCharsets.UTF_8) : null;
        } catch (IOException e) {
            throw new AssertionFailedError(String.join(" ", cmd) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionFailedError("interrupted running " + cmd[0]);
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // a temp file left behind
                }
            }
        }
    }
}
