package dev.trellis.desktop.tray.sni;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.desktop.model.Action;
import dev.trellis.desktop.model.Action.Kind;
import dev.trellis.desktop.model.AppView;
import dev.trellis.desktop.model.MenuEntry;
import dev.trellis.desktop.model.MenuEntry.Item;
import dev.trellis.desktop.model.MenuEntry.Submenu;
import dev.trellis.desktop.model.TrayMenu;
import dev.trellis.desktop.model.TrayState;
import dev.trellis.desktop.testing.Fixtures;
import dev.trellis.desktop.testing.Fixtures.Scenario;
import dev.trellis.desktop.testing.SessionBus;
import dev.trellis.desktop.tray.sni.StatusNotifierItem.Pixmap;
import java.awt.Point;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.Variant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The tray against a real StatusNotifierItem host: xfce4-panel's status tray on this test JVM's
 * Xvfb display, on a private session bus. Each test opens its own item; the panel is shared (and
 * restarted by one test).
 */
class XfcePanelSniTest {
    private static Path dir;
    private static SessionBus bus;
    private static BusClient client;
    private static XfcePanel panel;

    private final BlockingQueue<Action> actions = new LinkedBlockingQueue<>();
    private SniTray tray;

    @RegisterExtension
    static final PanelHost HOST = new PanelHost("trellis-sni-");

    @BeforeAll
    static void host() {
        dir = HOST.dir();
        bus = HOST.bus();
        client = HOST.client();
        panel = HOST.panel();
    }

    @BeforeEach
    void openTray() throws SniException {
        tray = SniTray.open(bus.address(), actions::add).orElseThrow(
                () -> new AssertionError("no watcher on the bus: " + panel.output()));
        show(Scenario.CONNECTED);
    }

    @AfterEach
    void closeTray() {
        X11.keys("Escape"); // a menu a failed test left open
        tray.close();
    }

    private void show(Scenario s) {
        AppView v = Fixtures.view(s);
        tray.update(v.state(), v.tooltip(), TrayMenu.build(v));
    }

    private String ourItem() {
        return tray.busName() + ItemObject.PATH;
    }

    /** Whether the host (the watcher's process) made this call. */
    private boolean hostCalled(String member, String detailPrefix) {
        String host = panel.watcherOwner();
        return tray.hostCalls().stream().anyMatch(c -> c.sender().equals(host) && c.member().equals(member)
                && c.detail().startsWith(detailPrefix));
    }

    private long hostCalls(String member) {
        String host = panel.watcherOwner();
        return tray.hostCalls().stream().filter(c -> c.sender().equals(host) && c.member().equals(member)).count();
    }

    /** Waits until the panel shows one item and answers where its icon is. */
    private Rectangle iconArea() {
        Await.until("the status tray to show an item", () -> {
            Rectangle r = panel.trayArea();
            return r != null && r.width >= XfcePanel.SIZE / 2;
        }, () -> String.valueOf(panel.trayArea()));
        return panel.trayArea();
    }

    private static int panelBackground() {
        return X11.capture(new Rectangle(1500, XfcePanel.SIZE / 2, 1, 1)).getRGB(0, 0);
    }

    private Action nextAction() throws InterruptedException {
        Action a = actions.poll(10, TimeUnit.SECONDS);
        assertThat(a).as("an action from the host within 10 s; host calls: %s", tray.hostCalls()).isNotNull();
        return a;
    }

    @Test
    void theHostRegistersTheItemAndShowsItsIcon() {
        Await.until("the watcher to list " + ourItem(), () -> client.registeredItems().contains(ourItem()),
                () -> client.registeredItems().toString());
        Await.until("the host to read the item's properties and its menu",
                () -> hostCalled("GetAll", ItemObject.INTERFACE) && hostCalled("GetLayout", "0 -1"),
                () -> tray.hostCalls().toString());

        Rectangle icon = iconArea();
        int background = panelBackground();
        Await.until("the icon's pixels on the panel",
                () -> X11.pixelsNot(X11.capture(icon), background, 40) > icon.width * icon.height / 8,
                () -> "area " + icon);
        BufferedImage connected = X11.capture(icon);

        // hovering shows the tooltip: title and text from the ToolTip property
        X11.moveTo(800, 600);
        X11.moveTo(icon.x + icon.width / 2, icon.y + icon.height / 2);
        Await.until("the tooltip", () -> !panel.openMenus().isEmpty());
        Rectangle tip = panel.openMenus().getFirst();
        X11.save(X11.capture(new Rectangle(0, 0, Math.max(360, tip.x + tip.width + 12), tip.y + tip.height + 12)),
                "tray-sni-panel.png");
        X11.moveTo(800, 600);
        Await.until("the tooltip to go", () -> panel.openMenus().isEmpty());

        // a new state: the host is told (NewIcon, NewStatus), reads the properties again and redraws
        long reads = hostCalls("GetAll");
        show(Scenario.ERROR);
        Await.until("the host to re-read the properties", () -> hostCalls("GetAll") > reads);
        Await.until("the icon to change", () -> X11.pixelsDiffering(X11.capture(icon), connected, 40) > 20);
    }

    @Test
    void rightClickOpensTheMenuAndAClickedItemActs() throws Exception {
        Rectangle icon = iconArea();
        Await.until("the host to fetch the menu", () -> hostCalled("GetLayout", "0 -1"));
        Point center = new Point(icon.x + icon.width / 2, icon.y + icon.height / 2);

        X11.click(center.x, center.y, 3);
        Await.until("the menu to open", () -> !panel.openMenus().isEmpty());
        Await.until("the host to announce it (AboutToShow)",
                () -> hostCalled("AboutToShowGroup", "") || hostCalled("AboutToShow", ""),
                () -> tray.hostCalls().toString());
        Rectangle menu = panel.openMenus().getFirst();
        X11.save(X11.capture(new Rectangle(0, 0, Math.max(menu.x + menu.width + 16, 360), menu.y + menu.height + 16)),
                "tray-sni-menu.png");

        // "Quit Trellis" is the last row: click it with the mouse
        X11.click(menu.x + menu.width / 2, menu.y + menu.height - 16, 1);
        assertThat(nextAction()).isEqualTo(Action.of(Kind.QUIT));
        Await.until("the menu to close", () -> panel.openMenus().isEmpty());
        assertThat(hostCalled("EventGroup", "") || hostCalled("Event", "")).isTrue();

        // the first enabled entry is Disconnect: reach it with the keyboard
        X11.click(center.x, center.y, 3);
        Await.until("the menu to open again", () -> !panel.openMenus().isEmpty());
        X11.keys("Down", "Return");
        assertThat(nextAction()).isEqualTo(Action.of(Kind.DISCONNECT));
    }

    @Test
    void aSubmenuEntryCopiesAPeersAddress() throws Exception {
        Rectangle icon = iconArea();
        Await.until("the host to fetch the menu", () -> hostCalled("GetLayout", "0 -1"));
        List<MenuEntry> menu = TrayMenu.build(Fixtures.view(Scenario.CONNECTED));
        Submenu peers = (Submenu) menu.stream().filter(e -> e.id().equals("peers")).findFirst().orElseThrow();
        Action firstPeer = peers.entries().stream().filter(e -> e instanceof Item i && i.enabled())
                .map(e -> ((Item) e).action()).findFirst().orElseThrow();
        int downs = 0;
        for (MenuEntry e : menu) { // keyboard steps over disabled items and separators
            if (e instanceof Item i && i.enabled() || e instanceof Submenu) {
                downs++;
            }
            if (e == peers) {
                break;
            }
        }

        X11.click(icon.x + icon.width / 2, icon.y + icon.height / 2, 3);
        Await.until("the menu to open", () -> !panel.openMenus().isEmpty());
        for (int i = 0; i < downs; i++) {
            X11.keys("Down");
        }
        X11.keys("Right");
        Await.until("the submenu to open with its entries",
                () -> panel.openMenus().size() == 2 && panel.openMenus().stream().allMatch(r -> r.height > 20),
                () -> panel.openMenus().toString());
        Rectangle all = panel.openMenus().stream().reduce(Rectangle::union).orElseThrow();
        X11.save(X11.capture(new Rectangle(0, 0, all.x + all.width + 16, all.y + all.height + 16)),
                "tray-sni-submenu.png");
        X11.keys("Return");
        assertThat(nextAction()).isEqualTo(firstPeer);
        assertThat(firstPeer.kind()).isEqualTo(Kind.COPY);
    }

    @Test
    void leftClickOpensTheWindow() throws Exception {
        Rectangle icon = iconArea();
        X11.click(icon.x + icon.width / 2, icon.y + icon.height / 2, 1);
        assertThat(nextAction()).isEqualTo(Action.of(Kind.OPEN_WINDOW));
        assertThat(hostCalled("Activate", "")).isTrue();
    }

    @Test
    void aChangedMenuReachesTheHostInPlace() throws Exception {
        Rectangle icon = iconArea();
        Await.until("the host to fetch the menu", () -> hostCalled("GetLayout", "0 -1"));
        long layouts = hostCalls("GetLayout");
        show(Scenario.STOPPED); // Disconnect becomes Connect: a new layout revision
        Await.until("the host to fetch the new layout", () -> hostCalls("GetLayout") > layouts);

        X11.click(icon.x + icon.width / 2, icon.y + icon.height / 2, 3);
        Await.until("the menu to open", () -> !panel.openMenus().isEmpty());
        X11.keys("Down", "Return");
        assertThat(nextAction()).isEqualTo(Action.of(Kind.CONNECT));
    }

    @Test
    void anItemDisabledInPlaceIsSkippedByTheHost() throws Exception {
        Rectangle icon = iconArea();
        Await.until("the host to fetch the menu", () -> hostCalled("GetLayout", "0 -1"));
        AppView v = Fixtures.view(Scenario.CONNECTED);
        List<MenuEntry> menu = TrayMenu.build(v);
        List<MenuEntry> disabled = menu.stream().map(e -> e instanceof Item i && i.id().equals("disconnect")
                ? new Item(i.id(), i.label(), false, i.action()) : e).toList();
        Action self = menu.stream().filter(e -> e.id().equals("self")).map(e -> ((Item) e).action())
                .findFirst().orElseThrow();
        long layouts = hostCalls("GetLayout");

        // only "enabled" changes: ItemsPropertiesUpdated, no new layout
        tray.update(v.state(), v.tooltip(), disabled);
        assertThat(tray.menu().tree().node(idOf("Disconnect")).properties()).containsEntry("enabled", false);
        X11.click(icon.x + icon.width / 2, icon.y + icon.height / 2, 3);
        Await.until("the menu to open", () -> !panel.openMenus().isEmpty());
        X11.keys("Down", "Return"); // the keyboard skips the disabled Disconnect
        assertThat(nextAction()).isEqualTo(self);

        // enabled again: the host is told "enabled" is back at its default
        tray.update(v.state(), v.tooltip(), menu);
        X11.click(icon.x + icon.width / 2, icon.y + icon.height / 2, 3);
        Await.until("the menu to open", () -> !panel.openMenus().isEmpty());
        X11.keys("Down", "Return");
        assertThat(nextAction()).isEqualTo(Action.of(Kind.DISCONNECT));
        assertThat(hostCalls("GetLayout")).as("no layout fetched for property changes").isEqualTo(layouts);
    }

    private int idOf(String label) {
        return tray.menu().tree().byId().values().stream().filter(n -> label.equals(n.properties().get("label")))
                .findFirst().orElseThrow().id();
    }

    @Test
    void aHostReadsTheItemAndClicksOverTheBus() throws Exception {
        // what a host does, done by the test's own connection: read the pixmaps, the menu, send a click
        Properties props = client.conn.getRemoteObject(tray.busName(), ItemObject.PATH, Properties.class);
        // an untyped Get answers a(iiay) as a list of Object[] {width, height, List<Byte>}
        List<?> pixmaps = props.Get(ItemObject.INTERFACE, "IconPixmap");
        assertThat(pixmaps).hasSize(Pixmaps.SIZES.size());
        Object[] first = (Object[]) pixmaps.getFirst();
        Pixmap expected = Pixmaps.of(TrayState.CONNECTED).getFirst();
        assertThat(first[0]).isEqualTo(16);
        assertThat(first[1]).isEqualTo(16);
        List<?> bytes = (List<?>) first[2];
        byte[] data = new byte[bytes.size()];
        for (int i = 0; i < data.length; i++) {
            data[i] = (Byte) bytes.get(i);
        }
        assertThat(data).isEqualTo(expected.data);

        DbusMenu menu = client.conn.getRemoteObject(tray.busName(), MenuObject.PATH, DbusMenu.class);
        DbusMenu.Results<UInt32, DbusMenu.Layout> layout = menu.GetLayout(0, -1, List.of());
        assertThat(layout.first.longValue()).isEqualTo(tray.menu().tree().revision());
        menu.Event(idOf("Quit Trellis"), "clicked", new Variant<>(0), new UInt32(0));
        assertThat(nextAction()).isEqualTo(Action.of(Kind.QUIT));
    }

    @Test
    void aRestartedWatcherGetsTheItemAgain() throws Exception {
        Await.until("the watcher to list " + ourItem(), () -> client.registeredItems().contains(ourItem()));
        assertThat(tray.registrations()).isEqualTo(1);

        String before = panel.watcherOwner();
        panel.restart();
        String after = panel.watcherOwner();
        assertThat(after).isNotEqualTo(before);
        Await.until("the item to register with the new watcher",
                () -> hostCalled("registered", tray.busName()) && client.registeredItems().contains(ourItem()),
                () -> tray.hostCalls() + " " + client.registeredItems());
        assertThat(tray.registrations()).isGreaterThanOrEqualTo(2);
        iconArea();
    }

    @Test
    void closeTakesTheItemOffThePanel() {
        Await.until("the watcher to list " + ourItem(), () -> client.registeredItems().contains(ourItem()));
        iconArea();
        tray.close();
        assertThat(tray.available()).isFalse();
        Await.until("the name to be released", () -> !client.hasOwner(tray.busName()));
        Await.until("the watcher to drop the item", () -> !client.registeredItems().contains(ourItem()));
        Await.until("the status tray to be empty", () -> {
            Rectangle r = panel.trayArea();
            return r == null || r.width < XfcePanel.SIZE / 2;
        }, () -> String.valueOf(panel.trayArea()));
    }
}
