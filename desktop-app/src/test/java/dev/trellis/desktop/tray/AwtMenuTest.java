package dev.trellis.desktop.tray;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.desktop.model.Action;
import dev.trellis.desktop.model.Action.Kind;
import dev.trellis.desktop.model.MenuEntry;
import dev.trellis.desktop.model.MenuEntry.Item;
import dev.trellis.desktop.model.MenuEntry.Separator;
import dev.trellis.desktop.model.MenuEntry.Submenu;
import dev.trellis.desktop.model.TrayMenu;
import dev.trellis.desktop.testing.Fixtures;
import dev.trellis.desktop.testing.Fixtures.Scenario;
import java.awt.EventQueue;
import java.awt.Menu;
import java.awt.MenuItem;
import java.awt.PopupMenu;
import java.awt.event.ActionEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The PopupMenu kept in step with the model's menu tree, without a tray (AWT menus need no tray). */
class AwtMenuTest {
    final List<Action> clicked = new ArrayList<>();
    PopupMenu popup;
    AwtMenu menu;

    void setUp() throws Exception {
        onEdt(() -> {
            popup = new PopupMenu();
            menu = new AwtMenu(popup, clicked::add);
            return null;
        });
    }

    @Test
    void buildsTheModelsTree() throws Exception {
        setUp();
        for (Scenario s : Scenario.values()) {
            List<MenuEntry> entries = TrayMenu.build(Fixtures.view(s));
            onEdt(() -> {
                menu.show(entries);
                assertMatches(popup, entries);
                return null;
            });
        }
    }

    @Test
    void theSameShapeUpdatesTheSameItemsInPlace() throws Exception {
        setUp();
        List<MenuEntry> connected = TrayMenu.build(Fixtures.view(Scenario.CONNECTED));
        List<MenuEntry> renamed = new ArrayList<>(connected);
        renamed.set(0, Item.text("status", "Connected as bob@example.com"));
        renamed.set(renamed.size() - 1, new Item("quit", "Quit Trellis", false, Action.of(Kind.QUIT)));
        onEdt(() -> {
            menu.show(connected);
            List<MenuItem> before = items(popup);
            MenuItem peers = popup.getItem(indexOf(connected, "peers"));
            MenuItem firstPeer = ((Menu) peers).getItem(1);
            menu.show(renamed);
            assertThat(items(popup)).containsExactlyElementsOf(before); // the same objects
            assertThat(((Menu) peers).getItem(1)).isSameAs(firstPeer);
            assertThat(popup.getItem(0).getLabel()).isEqualTo("Connected as bob@example.com");
            assertThat(popup.getItem(renamed.size() - 1).isEnabled()).isFalse();
            assertMatches(popup, renamed);
            return null;
        });
    }

    @Test
    void anotherShapeRebuildsTheItemsOfTheSamePopup() throws Exception {
        setUp();
        List<MenuEntry> connected = TrayMenu.build(Fixtures.view(Scenario.CONNECTED));
        List<MenuEntry> loggedOut = TrayMenu.build(Fixtures.view(Scenario.LOGGED_OUT));
        onEdt(() -> {
            menu.show(connected);
            MenuItem firstAction = popup.getItem(indexOf(connected, "disconnect"));
            menu.show(loggedOut);
            assertThat(items(popup)).doesNotContain(firstAction);
            assertMatches(popup, loggedOut);
            return null;
        });
        assertThat(AwtMenu.sameShape(connected, loggedOut)).isFalse();
        assertThat(AwtMenu.sameShape(connected, connected)).isTrue();
    }

    @Test
    void aClickRunsTheActionOfTheEntryItsIdNamesNow() throws Exception {
        setUp();
        List<MenuEntry> connected = TrayMenu.build(Fixtures.view(Scenario.CONNECTED));
        List<MenuEntry> stopped = new ArrayList<>(connected);
        stopped.set(indexOf(connected, "disconnect"), Item.action("connect", "Connect", Action.of(Kind.CONNECT)));
        onEdt(() -> {
            menu.show(connected);
            MenuItem disconnect = popup.getItem(indexOf(connected, "disconnect"));
            click(disconnect);
            Menu peers = (Menu) popup.getItem(indexOf(connected, "peers"));
            click(peers.getItem(1)); // nas's address
            click(popup.getItem(0)); // the status line: no action
            menu.show(stopped); // same shape: the item now says Connect
            click(disconnect);
            assertThat(disconnect.getLabel()).isEqualTo("Connect");
            return null;
        });
        assertThat(clicked).containsExactly(Action.of(Kind.DISCONNECT), Action.copy("100.64.0.4"),
                Action.of(Kind.CONNECT));
    }

    @Test
    void aStaleItemAfterARebuildDoesNothing() throws Exception {
        setUp();
        onEdt(() -> {
            List<MenuEntry> connected = TrayMenu.build(Fixtures.view(Scenario.CONNECTED));
            menu.show(connected);
            MenuItem disconnect = popup.getItem(indexOf(connected, "disconnect"));
            menu.show(TrayMenu.build(Fixtures.view(Scenario.UNREACHABLE)));
            click(disconnect);
            return null;
        });
        assertThat(clicked).isEmpty();
    }

    @Test
    void aLabelOfADashIsNotASeparator() throws Exception {
        setUp();
        onEdt(() -> {
            menu.show(List.of(Item.action("dash", "-", Action.of(Kind.OPEN_WINDOW))));
            assertThat(popup.getItem(0).getLabel()).isEqualTo("\u2010");
            return null;
        });
    }

    @Test
    void theFontHasTheMarksOfTheModel() {
        assertThat(AwtMenu.font().canDisplayUpTo(TrayMenu.ONLINE + TrayMenu.OFFLINE + "⚠…")).isEqualTo(-1);
    }

    static void assertMatches(Menu menu, List<MenuEntry> entries) {
        assertThat(menu.getItemCount()).as("items of %s", menu.getLabel()).isEqualTo(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            MenuItem mi = menu.getItem(i);
            switch (entries.get(i)) {
                case Item item -> {
                    assertThat(mi).isNotInstanceOf(Menu.class);
                    assertThat(mi.getLabel()).isEqualTo(item.label());
                    assertThat(mi.getActionCommand()).isEqualTo(item.id());
                    assertThat(mi.isEnabled()).as(item.id()).isEqualTo(item.enabled() && item.action() != null);
                }
                case Submenu sub -> {
                    assertThat(mi).isInstanceOf(Menu.class);
                    assertThat(mi.getLabel()).isEqualTo(sub.label());
                    assertMatches((Menu) mi, sub.entries());
                }
                case Separator _ -> assertThat(mi.getLabel()).isEqualTo("-");
            }
        }
    }

    static List<MenuItem> items(Menu m) {
        List<MenuItem> out = new ArrayList<>();
        for (int i = 0; i < m.getItemCount(); i++) {
            out.add(m.getItem(i));
            if (m.getItem(i) instanceof Menu sub) {
                out.addAll(items(sub));
            }
        }
        return out;
    }

    static int indexOf(List<MenuEntry> entries, String id) {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).id().equals(id)) {
                return i;
            }
        }
        throw new AssertionError("no " + id);
    }

    /** What AWT does when the item is clicked and enabled. */
    static void click(MenuItem mi) {
        if (mi.isEnabled()) {
            mi.dispatchEvent(new ActionEvent(mi, ActionEvent.ACTION_PERFORMED, mi.getActionCommand()));
        }
    }

    static <T> T onEdt(Callable<T> c) throws Exception {
        FutureTask<T> task = new FutureTask<>(c);
        EventQueue.invokeLater(task);
        return task.get(15, TimeUnit.SECONDS);
    }
}
