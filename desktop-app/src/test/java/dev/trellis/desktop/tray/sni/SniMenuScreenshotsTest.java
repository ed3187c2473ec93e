package dev.trellis.desktop.tray.sni;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.desktop.model.AppView;
import dev.trellis.desktop.model.TrayMenu;
import dev.trellis.desktop.model.TrayState;
import dev.trellis.desktop.testing.Fixtures;
import dev.trellis.desktop.testing.Fixtures.Scenario;
import dev.trellis.desktop.testing.SessionBus;
import java.awt.Point;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The tray menu in every state, light and dark, as xfce4-panel's status tray draws it on this test
 * JVM's Xvfb display: each opened with a real right click on the icon, written to
 * docs/screenshots as tray-sni-menu-&lt;state&gt;-&lt;theme&gt;.png, cropped to the panel strip
 * above the menu and the menu.
 */
class SniMenuScreenshotsTest {
    /** One scenario per tray state; each shows another icon and another status line than the one before. */
    private static final List<Scenario> STATES = List.of(Scenario.CONNECTED, Scenario.WARNING, Scenario.CONNECTING,
            Scenario.LOGGED_OUT, Scenario.STOPPED, Scenario.UNREACHABLE, Scenario.ERROR);

    /**
     * The panel's GTK theme. The menus are drawn by the status tray's plugin wrapper, a child of
     * the panel that inherits its environment, so GTK_THEME on the panel darkens panel and menus.
     */
    enum Theme {
        LIGHT(Map.of()), DARK(Map.of("GTK_THEME", "Adwaita:dark"));

        final Map<String, String> env;

        Theme(Map<String, String> env) {
            this.env = env;
        }

        /** Whether a panel or menu background of this brightness (0–255) belongs to this theme. */
        boolean fits(int brightness) {
            return this == DARK ? brightness < 96 : brightness > 192;
        }
    }

    private static Path dir;
    private static SessionBus bus;
    private static BusClient client;
    private static XfcePanel panel;
    private static Theme panelTheme = Theme.LIGHT;

    @RegisterExtension
    static final PanelHost HOST = new PanelHost("trellis-sni-shots-");

    @BeforeAll
    static void host() {
        dir = HOST.dir();
        bus = HOST.bus();
        client = HOST.client();
        panel = HOST.panel();
    }

    @ParameterizedTest
    @EnumSource(Theme.class)
    void theMenuInEveryState(Theme theme) throws Exception {
        if (panelTheme != theme) {
            panel.restart(theme.env);
            panelTheme = theme;
        }
        SniTray tray = SniTray.open(bus.address(), a -> { }).orElseThrow(
                () -> new AssertionError("no watcher on the bus: " + panel.output()));
        try {
            Shots previous = null;
            for (Scenario s : STATES) {
                previous = shoot(tray, s, theme, previous);
            }
        } finally {
            X11.keys("Escape"); // a menu a failure left open
            tray.close();
        }
    }

    /** The icon and the menu of one state, to tell the next state's from. */
    private record Shots(BufferedImage icon, BufferedImage menu) {}

    private static Shots shoot(SniTray tray, Scenario s, Theme theme, Shots previous) {
        AppView v = Fixtures.view(s);
        HostCalls.Call mark = lastCall(tray);
        long revision = tray.menu().tree().revision();
        tray.update(v.state(), v.tooltip(), TrayMenu.build(v));
        if (tray.menu().tree().revision() != revision) {
            // A new layout: the menu the host shows is the one it fetched after the LayoutUpdated signal.
            Await.until("the host to fetch the " + s + " menu", () -> hostCalledSince(tray, mark, "GetLayout"),
                    () -> tray.hostCalls().toString());
        } // else only properties changed; the wait for a menu unlike the last one below covers them

        Rectangle icon = iconArea();
        int[] background = new int[1];
        BufferedImage[] iconNow = new BufferedImage[1];
        // A freshly (re)started panel may not be drawn yet: wait for its theme's colours too.
        Await.until("the " + s + " icon on the " + theme + " panel", () -> {
            background[0] = X11.capture(new Rectangle(1500, XfcePanel.SIZE / 2, 1, 1)).getRGB(0, 0);
            iconNow[0] = X11.capture(icon);
            return theme.fits(brightness(background[0]))
                    && X11.pixelsNot(iconNow[0], background[0], 40) > icon.width * icon.height / 8
                    && (previous == null || X11.pixelsDiffering(iconNow[0], previous.icon(), 40) > 20);
        }, () -> "area " + icon + ", panel background " + Integer.toHexString(background[0]));

        Point center = new Point(icon.x + icon.width / 2, icon.y + icon.height / 2);
        X11.click(center.x, center.y, 3);
        Rectangle[] menu = new Rectangle[1];
        Rectangle[] area = new Rectangle[1];
        BufferedImage[] last = new BufferedImage[1];
        // Drawn and still: two captures in a row equal, with text on the menu, unlike the last state's.
        Await.until("the " + s + " menu drawn and still", () -> {
            List<Rectangle> open = panel.openMenus();
            if (open.size() != 1) {
                return false;
            }
            Rectangle m = open.getFirst();
            // the menu's columns, from the top of the panel (the icon sits above the menu's left end)
            Rectangle a = m.union(new Rectangle(m.x, 0, Math.max(m.width, icon.x + icon.width - m.x), XfcePanel.SIZE));
            BufferedImage img = X11.capture(a);
            boolean still = last[0] != null && a.equals(area[0]) && X11.pixelsDiffering(img, last[0], 0) == 0;
            menu[0] = m;
            area[0] = a;
            last[0] = img;
            BufferedImage menuPart = img.getSubimage(m.x - a.x, m.y - a.y, m.width, m.height);
            return still && X11.pixelsNot(menuPart, dominant(menuPart), 40) > m.width * m.height / 100
                    && (previous == null || previous.menu().getWidth() != menuPart.getWidth()
                            || previous.menu().getHeight() != menuPart.getHeight()
                            || X11.pixelsDiffering(menuPart, previous.menu(), 40) > 0);
        }, () -> panel.openMenus() + " " + area[0]);

        BufferedImage shot = last[0];
        assertThat(area[0].contains(center)).as("the icon in the screenshot %s", area[0]).isTrue();
        BufferedImage menuShot = shot.getSubimage(menu[0].x - area[0].x, menu[0].y - area[0].y,
                menu[0].width, menu[0].height);
        assertThat(brightness(dominant(menuShot))).as("the %s menu's background in the %s theme", s, theme)
                .matches(theme::fits, theme.name().toLowerCase(Locale.ROOT));
        X11.save(shot, "tray-sni-menu-" + fileName(v.state()) + "-" + theme.name().toLowerCase(Locale.ROOT) + ".png");

        X11.keys("Escape");
        X11.moveTo(800, 600); // off the icon, where no tooltip opens
        Await.until("the " + s + " menu to close", () -> panel.openMenus().isEmpty(),
                () -> panel.openMenus().toString());
        return new Shots(iconNow[0], menuShot);
    }

    /** Waits until the panel shows one item and answers where its icon is. */
    private static Rectangle iconArea() {
        Await.until("the status tray to show an item", () -> {
            Rectangle r = panel.trayArea();
            return r != null && r.width >= XfcePanel.SIZE / 2;
        }, () -> String.valueOf(panel.trayArea()));
        return panel.trayArea();
    }

    private static HostCalls.Call lastCall(SniTray tray) {
        List<HostCalls.Call> calls = tray.hostCalls();
        return calls.isEmpty() ? null : calls.getLast();
    }

    /**
     * Whether the host made this call after {@code mark}. Calls are told apart by identity: two
     * calls with the same words are still two records, and the log is bounded, so no count would do.
     */
    private static boolean hostCalledSince(SniTray tray, HostCalls.Call mark, String member) {
        List<HostCalls.Call> calls = tray.hostCalls();
        int from = 0;
        for (int i = calls.size() - 1; i >= 0; i--) {
            if (calls.get(i) == mark) {
                from = i + 1;
                break;
            }
        }
        String host = panel.watcherOwner();
        return calls.subList(from, calls.size()).stream()
                .anyMatch(c -> c.sender().equals(host) && c.member().equals(member));
    }

    /** The most common colour of an image: a menu's background. */
    private static int dominant(BufferedImage img) {
        Map<Integer, Integer> counts = new HashMap<>();
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                counts.merge(img.getRGB(x, y) & 0xffffff, 1, Integer::sum);
            }
        }
        return counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    private static int brightness(int rgb) {
        return ((rgb >> 16 & 0xff) + (rgb >> 8 & 0xff) + (rgb & 0xff)) / 3;
    }

    private static String fileName(TrayState state) {
        return state.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
