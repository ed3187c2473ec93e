package dev.trellis.desktop.tray;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.desktop.icons.StateIcons;
import dev.trellis.desktop.model.Action;
import dev.trellis.desktop.model.AppView;
import dev.trellis.desktop.model.MenuEntry;
import dev.trellis.desktop.model.TrayMenu;
import dev.trellis.desktop.model.TrayState;
import dev.trellis.desktop.testing.Fixtures;
import dev.trellis.desktop.testing.Fixtures.Scenario;
import java.awt.EventQueue;
import java.awt.Rectangle;
import java.awt.Robot;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.opentest4j.AssertionFailedError;

/**
 * Shared by the tests on a real XEmbed tray: trayer runs for the class; each test opens its own
 * {@link AwtTray} through {@link Trays#open} and closes it, waiting until its window is gone.
 */
abstract class XembedTrayTest {
    static final Duration TIMEOUT = Duration.ofSeconds(15);
    static final String EMBEDDED_FRAME = "JavaEmbeddedFrame";
    static final String POPUP = "sun-awt-X11-XPopupMenuPeer";
    /** Where the pointer waits while a menu is open: off the icon (no tooltip) and off the menu (no highlight). */
    static final String[] PARK = {"mousemove", "700", "600"};

    @RegisterExtension
    static final Trayer TRAYER = new Trayer();

    /** A click as the handler saw it. */
    record Click(Action action, String thread) {}

    final BlockingQueue<Click> clicks = new LinkedBlockingQueue<>();
    /** When set, the handler waits for it before it records a click: a slow handler. */
    volatile CountDownLatch gate;
    AwtTray tray;
    Robot robot;

    @BeforeEach
    void openTray() throws Exception {
        TRAYER.ensureRunning();
        robot = new Robot();
        Tray t = Trays.open(TrayOptions.defaults(), this::handle);
        assertThat(t).as("%s", t.unavailableReason()).isInstanceOf(AwtTray.class);
        tray = (AwtTray) t;
    }

    private void handle(Action a) {
        CountDownLatch g = gate;
        try {
            if (g != null && !g.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("the test never opened the gate");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        clicks.add(new Click(a, Thread.currentThread().getName()));
    }

    @AfterEach
    void closeTray() {
        if (tray != null) {
            tray.close();
            Await.until("the icon's window to go", TIMEOUT, () -> iconWindow().isEmpty());
        }
    }

    /** The icon's window, docked in trayer's panel. */
    static Optional<X11.Win> iconWindow() {
        List<X11.Win> all = X11.windows();
        return Trayer.panel(all).flatMap(panel -> X11.descendants(all, panel.id()).stream()
                .filter(w -> w.name().equals(EMBEDDED_FRAME)).findFirst());
    }

    static X11.Win awaitIcon() {
        return Await.until("the icon docked in trayer", TIMEOUT, XembedTrayTest::iconWindow, () -> X11.windows().toString());
    }

    /** Where to click the icon: AWT draws it at the top of its window, which trayer makes taller. */
    static int[] iconCentre(X11.Win icon) {
        Rectangle b = icon.bounds();
        return new int[] {b.x + b.width / 2, b.y + Math.min(b.height, AwtTray.XEMBED_ICON_SIZE) / 2};
    }

    /** Shows {@code s} and waits until the event thread applied it. */
    AppView show(Scenario s) throws Exception {
        AppView v = Fixtures.view(s);
        tray.update(v.state(), v.tooltip(), TrayMenu.build(v));
        onEdt(() -> null); // update() queued its apply before this
        return v;
    }

    static <T> T onEdt(Callable<T> c) throws Exception {
        FutureTask<T> task = new FutureTask<>(c);
        EventQueue.invokeLater(task);
        return task.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    Click nextClick() throws InterruptedException {
        Click c = clicks.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (c == null) {
            throw new AssertionFailedError("the handler got no action within " + TIMEOUT.toMillis() + " ms");
        }
        return c;
    }

    /** An open menu window, with its rows of text once all {@code rows} are drawn. */
    record OpenMenu(X11.Win window, List<MenuRows.Row> rows, BufferedImage image) {
        /** Clicks the {@code i}-th row with the first button. */
        void click(int i) {
            MenuRows.Row r = rows.get(i);
            Rectangle b = window.bounds();
            X11.xdotool("mousemove", Integer.toString(b.x + Math.min(40, b.width / 2)),
                    Integer.toString(b.y + r.middle()), "click", "1");
        }
    }

    /** Opens the icon's menu with a real right click and waits until its rows are drawn. */
    OpenMenu openMenu(List<MenuEntry> menu) {
        int[] at = iconCentre(awaitIcon());
        X11.xdotool("mousemove", Integer.toString(at[0]), Integer.toString(at[1]), "click", "3", PARK[0], PARK[1],
                PARK[2]);
        X11.Win window = Await.until("the tray menu to open", TIMEOUT, () -> X11.viewableTopLevel(POPUP),
                () -> X11.windows().toString());
        return awaitRows(window, rows(menu));
    }

    /**
     * Waits until {@code window} shows {@code expected} rows of text, reading its geometry afresh
     * each time (a window may be mapped before AWT has moved and sized it).
     */
    OpenMenu awaitRows(X11.Win window, int expected) {
        String[] last = {"nothing"};
        return Await.until(expected + " rows of text in window " + window.name(), TIMEOUT, () -> {
            Optional<X11.Win> now = X11.windows().stream().filter(w -> w.id() == window.id()).findFirst();
            if (now.isEmpty() || !X11.viewable(window.id())) {
                last[0] = "window gone or unmapped";
                return Optional.empty();
            }
            BufferedImage img = robot.createScreenCapture(now.get().bounds());
            List<MenuRows.Row> rows = MenuRows.textRows(img);
            last[0] = now.get().bounds() + " rows " + rows;
            return rows.size() == expected ? Optional.of(new OpenMenu(now.get(), rows, img)) : Optional.empty();
        }, () -> last[0]);
    }

    /** The entries that are a row of text (all but separators). */
    static int rows(List<MenuEntry> menu) {
        return (int) menu.stream().filter(e -> !(e instanceof MenuEntry.Separator)).count();
    }

    /** The row of the entry with {@code id}, counting only rows of text. */
    static int rowOf(List<MenuEntry> menu, String id) {
        int row = 0;
        for (MenuEntry e : menu) {
            if (e.id().equals(id)) {
                return row;
            }
            if (!(e instanceof MenuEntry.Separator)) {
                row++;
            }
        }
        throw new AssertionFailedError("no entry " + id + " in " + menu);
    }

    /** Waits until no menu window of AWT's is shown. */
    static void awaitMenuClosed() {
        Await.until("the menu to close", TIMEOUT, () -> X11.windows().stream()
                .noneMatch(w -> w.parent() == 0 && w.name().startsWith("sun-awt-X11-XMenu") && X11.viewable(w.id())
                        || w.parent() == 0 && w.name().equals(POPUP) && X11.viewable(w.id())));
    }

    /** The on-screen pixels of the icon match the state's icon where it is opaque. */
    boolean iconOnScreenIs(TrayState state) {
        X11.Win icon = iconWindow().orElse(null);
        if (icon == null) {
            return false;
        }
        int size = AwtTray.XEMBED_ICON_SIZE;
        BufferedImage want = StateIcons.render(state, size);
        BufferedImage got = robot.createScreenCapture(new Rectangle(icon.bounds().x, icon.bounds().y, size, size));
        int opaque = 0;
        int same = 0;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int w = want.getRGB(x, y);
                if (w >>> 24 == 0xff) {
                    opaque++;
                    if (MenuRows.distance(w, got.getRGB(x, y)) <= 2) {
                        same++;
                    }
                }
            }
        }
        return same >= opaque * 0.98;
    }

    static Path screenshots() throws IOException {
        String dir = System.getenv("TRELLIS_SCREENSHOTS");
        Path p = dir != null && !dir.isBlank() ? Path.of(dir) : Path.of("target", "screenshots");
        return Files.createDirectories(p);
    }

    /** Writes the panel and the menu windows, with a margin, as {@code name}. */
    Path screenshot(String name, X11.Win... menus) throws IOException {
        Rectangle r = Trayer.panel().orElseThrow().bounds();
        for (X11.Win m : menus) {
            r = r.union(m.bounds());
        }
        r.grow(12, 12);
        r = r.intersection(new Rectangle(0, 0, 1600, 1000));
        Path out = screenshots().resolve(name);
        ImageIO.write(robot.createScreenCapture(r), "png", out.toFile());
        return out;
    }

    /** Whether the {@code row}-th row of text of {@code menu} still looks as when it was found. */
    boolean rowUnchanged(OpenMenu menu, int row) {
        MenuRows.Row r = menu.rows().get(row);
        Rectangle b = menu.window().bounds();
        BufferedImage now = robot.createScreenCapture(new Rectangle(b.x, b.y + r.top(), b.width, r.bottom() - r.top()));
        for (int y = 0; y < now.getHeight(); y++) {
            for (int x = 0; x < now.getWidth(); x++) {
                if (now.getRGB(x, y) != menu.image().getRGB(x, r.top() + y)) {
                    return false;
                }
            }
        }
        return true;
    }

    static String fileName(TrayState s) {
        return "tray-menu-" + s.name().toLowerCase(Locale.ROOT).replace('_', '-') + ".png";
    }
}
