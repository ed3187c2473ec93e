package dev.trellis.desktop.tray.sni;

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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The MenuEntry tree as dbusmenu items: properties, ids, and what each update has to announce. */
class MenuTreeTest {
    private final MenuIds ids = new MenuIds();

    private static final List<MenuEntry> MENU = List.of(
            Item.text("status", "Connected as alice_b@example.com"),
            new Separator("sep:actions"),
            Item.action("disconnect", "Disconnect", Action.of(Kind.DISCONNECT)),
            new Submenu("peers", "Network devices", List.of(
                    Item.text("user:alice", "alice@example.com"),
                    Item.action("peer:1:addr", "● server · direct", Action.copy("100.64.0.2")))),
            new Separator("sep:app"),
            Item.action("quit", "Quit Trellis", Action.of(Kind.QUIT)));

    private MenuTree build(List<MenuEntry> entries) {
        return MenuTree.empty().next(entries, ids).tree();
    }

    @Test
    void mapsItemsSeparatorsAndSubmenus() {
        MenuTree t = build(MENU);
        MenuNode root = t.root();
        assertThat(root.id()).isZero();
        assertThat(root.properties()).containsEntry("children-display", "submenu");
        assertThat(root.children()).hasSize(6);

        MenuNode status = root.children().get(0);
        assertThat(status.properties()).containsOnly(
                Map.entry("label", "Connected as alice__b@example.com"), Map.entry("enabled", false));
        assertThat(status.clickable()).isFalse();

        assertThat(root.children().get(1).properties()).containsOnly(Map.entry("type", "separator"));

        MenuNode disconnect = root.children().get(2);
        // enabled is true by default in dbusmenu: left out
        assertThat(disconnect.properties()).containsOnly(Map.entry("label", "Disconnect"));
        assertThat(disconnect.action()).isEqualTo(Action.of(Kind.DISCONNECT));
        assertThat(disconnect.clickable()).isTrue();

        MenuNode peers = root.children().get(3);
        assertThat(peers.properties()).containsOnly(
                Map.entry("label", "Network devices"), Map.entry("children-display", "submenu"));
        assertThat(peers.children()).extracting(n -> n.properties().get("label"))
                .containsExactly("alice@example.com", "● server · direct");
        assertThat(peers.children().get(1).action()).isEqualTo(Action.copy("100.64.0.2"));

        // every node is reachable by its id, and the ids are distinct
        assertThat(t.byId()).hasSize(9);
        assertThat(t.node(peers.children().get(1).id())).isEqualTo(peers.children().get(1));
    }

    @Test
    void underscoresAreDoubledSoTheyAreNotMnemonics() {
        assertThat(MenuTree.label("a_b__c")).isEqualTo("a__b____c");
        assertThat(MenuTree.label("no underscore")).isEqualTo("no underscore");
    }

    @Test
    void idsAreStablePerEntryIdAcrossUpdates() {
        MenuTree first = build(MENU);
        int disconnect = first.root().children().get(2).id();
        int quit = first.root().children().get(5).id();

        // Disconnect becomes Connect, a peer comes and the status line changes: the ids that stay keep theirs.
        List<MenuEntry> next = List.of(
                Item.text("status", "Disconnected"),
                new Separator("sep:actions"),
                Item.action("connect", "Connect", Action.of(Kind.CONNECT)),
                new Separator("sep:app"),
                Item.action("quit", "Quit Trellis", Action.of(Kind.QUIT)));
        MenuTree.Change change = first.next(next, ids);
        MenuNode root = change.tree().root();
        assertThat(root.children().get(0).id()).isEqualTo(first.root().children().get(0).id());
        assertThat(root.children().get(4).id()).isEqualTo(quit);
        assertThat(root.children().get(2).id()).isNotEqualTo(disconnect).isNotIn(first.byId().keySet());

        // and back: Disconnect gets its old id again, never someone else's
        MenuTree again = change.tree().next(MENU, ids).tree();
        assertThat(again.root().children().get(2).id()).isEqualTo(disconnect);
    }

    @Test
    void aChangedTreeIsANewLayoutRevision() {
        MenuTree first = build(MENU);
        List<MenuEntry> fewer = MENU.subList(0, 3);
        MenuTree.Change change = first.next(fewer, ids);
        assertThat(change.layoutChanged()).isTrue();
        assertThat(change.tree().revision()).isEqualTo(first.revision() + 1);
    }

    @Test
    void changedLabelsAndEnabledStatesAreOnlyPropertyUpdates() {
        MenuTree first = build(MENU);
        List<MenuEntry> relabelled = List.of(
                Item.text("status", "Connected as bob@example.com"),
                new Separator("sep:actions"),
                new Item("disconnect", "Disconnect", false, Action.of(Kind.DISCONNECT)),
                MENU.get(3), MENU.get(4),
                MENU.get(5));
        MenuTree.Change change = first.next(relabelled, ids);
        assertThat(change.layoutChanged()).isFalse();
        assertThat(change.tree().revision()).isEqualTo(first.revision());
        assertThat(change.updated()).extracting(MenuNode::id).containsExactly(
                first.root().children().get(0).id(), first.root().children().get(2).id());
        assertThat(change.tree().root().children().get(2).clickable()).isFalse();
        assertThat(change.removed()).isEmpty();

        // enabled again: "enabled" goes back to its default, so the host is told to drop it
        MenuTree.Change back = change.tree().next(MENU, ids);
        int disconnect = first.root().children().get(2).id();
        assertThat(back.removed()).containsOnly(Map.entry(disconnect, List.of("enabled")));
    }

    @Test
    void theSameMenuAgainChangesNothing() {
        MenuTree first = build(MENU);
        MenuTree.Change change = first.next(List.copyOf(MENU), ids);
        assertThat(change.none()).isTrue();
        assertThat(change.tree()).isSameAs(first);
    }

    @Test
    void duplicateEntryIdsStillMakeATree() {
        MenuTree t = build(List.of(new Separator("sep"), Item.text("x", "x"), new Separator("sep"),
                new Submenu("sub", "Sub", List.of(Item.text("x", "inner x")))));
        assertThat(t.byId()).hasSize(6); // root + 5 nodes, all distinct
    }

    @Test
    void everyScenarioOfTheAppMaps() {
        for (Scenario s : Scenario.values()) {
            List<MenuEntry> entries = TrayMenu.build(Fixtures.view(s));
            MenuTree t = build(entries);
            assertThat(t.root().children()).as("%s", s).hasSize(entries.size());
            t.byId().values().forEach(n -> assertThat(n.properties()).as("%s %s", s, n).isNotEmpty());
        }
    }
}
