package dev.trellis.desktop.tray.sni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trellis.desktop.model.Action;
import dev.trellis.desktop.model.Action.Kind;
import dev.trellis.desktop.model.MenuEntry;
import dev.trellis.desktop.model.MenuEntry.Item;
import dev.trellis.desktop.model.MenuEntry.Separator;
import dev.trellis.desktop.model.MenuEntry.Submenu;
import dev.trellis.desktop.model.TrayState;
import dev.trellis.desktop.tray.sni.DbusMenu.Layout;
import dev.trellis.desktop.tray.sni.DbusMenu.MenuEvent;
import dev.trellis.desktop.tray.sni.StatusNotifierItem.Pixmap;
import dev.trellis.desktop.tray.sni.StatusNotifierItem.ToolTip;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.errors.InvalidMethodArgument;
import org.freedesktop.dbus.errors.UnknownInterface;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.Variant;
import org.junit.jupiter.api.Test;

/** The exported objects' answers, called directly as dbus-java would call them. */
class DbusObjectsTest {
    private final List<Action> actions = new ArrayList<>();
    private final MenuObject menu = new MenuObject(actions::add, new HostCalls());
    private final ItemObject item = new ItemObject(actions::add, new HostCalls());

    private static final List<MenuEntry> MENU = List.of(
            Item.text("status", "Connected"),
            new Separator("sep"),
            Item.action("disconnect", "Disconnect", Action.of(Kind.DISCONNECT)),
            new Item("off", "Off", false, Action.of(Kind.LOG_OUT)),
            new Submenu("peers", "Network devices", List.of(
                    Item.action("peer", "server", Action.copy("100.64.0.2")))));

    private int idOf(String label) {
        return menu.tree().byId().values().stream().filter(n -> label.equals(n.properties().get("label")))
                .findFirst().orElseThrow().id();
    }

    @Test
    void getLayoutGivesTheWholeTreeOrOneLevel() {
        menu.show(MENU);
        var all = menu.GetLayout(0, -1, List.of());
        assertThat(all.first).isEqualTo(new UInt32(menu.tree().revision()));
        Layout root = all.second;
        assertThat(root.id).isZero();
        assertThat(root.children).hasSize(5);
        Layout peers = (Layout) root.children.get(4).getValue();
        assertThat(root.children.get(4).getSig()).isEqualTo("(ia{sv}av)");
        assertThat(peers.properties).containsEntry("children-display", new Variant<>("submenu"));
        assertThat(peers.children).hasSize(1);

        Layout shallow = menu.GetLayout(0, 1, List.of("label")).second;
        Layout shallowPeers = (Layout) shallow.children.get(4).getValue();
        assertThat(shallowPeers.children).isEmpty();
        assertThat(shallowPeers.properties).containsOnlyKeys("label");

        assertThat(menu.GetLayout(idOf("Network devices"), 0, List.of()).second.children).isEmpty();
        assertThatThrownBy(() -> menu.GetLayout(9999, -1, List.of())).isInstanceOf(InvalidMethodArgument.class)
                .hasMessageContaining("no menu item 9999");
    }

    @Test
    void aClickRunsTheItemsActionOnlyWhenEnabled() {
        menu.show(MENU);
        menu.Event(idOf("Disconnect"), "clicked", new Variant<>(""), new UInt32(0));
        menu.Event(idOf("Disconnect"), "hovered", new Variant<>(""), new UInt32(0));
        menu.Event(idOf("Off"), "clicked", new Variant<>(""), new UInt32(0));
        menu.Event(idOf("Connected"), "clicked", new Variant<>(""), new UInt32(0));
        assertThat(menu.EventGroup(List.of(
                new MenuEvent(idOf("server"), "clicked", new Variant<>(0), new UInt32(1)),
                new MenuEvent(4711, "clicked", new Variant<>(0), new UInt32(1))))).containsExactly(4711);
        assertThat(actions).containsExactly(Action.of(Kind.DISCONNECT), Action.copy("100.64.0.2"));
        assertThatThrownBy(() -> menu.Event(4711, "clicked", new Variant<>(""), new UInt32(0)))
                .isInstanceOf(InvalidMethodArgument.class);
    }

    @Test
    void propertiesOfItemsAndOfTheMenu() {
        menu.show(MENU);
        assertThat(menu.GetProperty(idOf("Off"), "enabled")).isEqualTo(new Variant<>(false));
        assertThat(menu.GetGroupProperties(List.of(idOf("Off"), 4711), List.of("label")))
                .singleElement().satisfies(p -> assertThat(p.properties).containsOnly(
                        Map.entry("label", new Variant<>("Off"))));
        assertThat(menu.GetGroupProperties(List.of(), List.of())).hasSize(menu.tree().byId().size());
        assertThat(menu.AboutToShow(0)).isFalse();
        assertThat(menu.AboutToShowGroup(List.of(0, 4711)).second).containsExactly(4711);
        Map<String, Variant<?>> props = menu.GetAll("com.canonical.dbusmenu");
        assertThat(props.get("Version")).isEqualTo(new Variant<>(new UInt32(3)));
        assertThat(props).containsKeys("TextDirection", "Status", "IconThemePath");
        assertThatThrownBy(() -> menu.GetAll("org.example.Nope")).isInstanceOf(UnknownInterface.class);
    }

    @Test
    void itemPropertiesFollowTheState() {
        assertThat(item.show(TrayState.CONNECTED, "Trellis: Connected <as> alice & co")).contains(
                ItemObject.Changed.ICON, ItemObject.Changed.TOOLTIP);
        Map<String, Variant<?>> p = item.GetAll("org.kde.StatusNotifierItem");
        assertThat(p.get("Category").getValue()).isEqualTo("ApplicationStatus");
        assertThat(p.get("Id").getValue()).isEqualTo("trellis");
        assertThat(p.get("Title").getValue()).isEqualTo("Trellis");
        assertThat(p.get("Status").getValue()).isEqualTo("Active");
        assertThat(p.get("IconName").getValue()).isEqualTo("");
        assertThat(p.get("ItemIsMenu").getValue()).isEqualTo(false);
        assertThat(((DBusPath) p.get("Menu").getValue()).getPath()).isEqualTo("/MenuBar");
        assertThat(p.get("IconPixmap").getSig()).isEqualTo("a(iiay)");
        @SuppressWarnings("unchecked")
        List<Pixmap> icon = (List<Pixmap>) p.get("IconPixmap").getValue();
        assertThat(icon).extracting(x -> x.width).containsExactly(16, 22, 24, 32, 48, 64);
        assertThat(p.get("ToolTip").getSig()).isEqualTo("(sa(iiay)ss)");
        ToolTip tip = (ToolTip) p.get("ToolTip").getValue();
        assertThat(tip.title).isEqualTo("Trellis");
        // the title says "Trellis"; the description is markup, so the text is escaped
        assertThat(tip.description).isEqualTo("Connected &lt;as&gt; alice &amp; co");

        assertThat(item.show(TrayState.CONNECTED, "Trellis: Connected <as> alice & co")).isEmpty();
        assertThat(item.show(TrayState.WARNING, "Trellis: Connected <as> alice & co")).containsExactlyInAnyOrder(
                ItemObject.Changed.ICON, ItemObject.Changed.STATUS);
        assertThat(item.GetAll("org.kde.StatusNotifierItem").get("Status").getValue()).isEqualTo("NeedsAttention");
        assertThat(item.show(TrayState.ERROR, "x")).containsExactlyInAnyOrder(
                ItemObject.Changed.ICON, ItemObject.Changed.TOOLTIP);
        assertThat(item.show(TrayState.STOPPED, "x")).containsExactlyInAnyOrder(
                ItemObject.Changed.ICON, ItemObject.Changed.STATUS);
    }

    @Test
    void activateOpensTheWindow() {
        item.Activate(10, 10);
        item.SecondaryActivate(10, 10);
        item.Scroll(1, "vertical");
        item.ContextMenu(10, 10);
        assertThat(actions).containsExactly(Action.of(Kind.OPEN_WINDOW));
    }
}
