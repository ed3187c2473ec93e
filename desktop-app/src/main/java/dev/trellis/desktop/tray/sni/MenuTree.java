package dev.trellis.desktop.tray.sni;

import dev.trellis.desktop.model.MenuEntry;
import dev.trellis.desktop.model.MenuEntry.Item;
import dev.trellis.desktop.model.MenuEntry.Separator;
import dev.trellis.desktop.model.MenuEntry.Submenu;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A tray menu as dbusmenu items: an immutable snapshot with its layout revision. The root (id 0)
 * holds the entries; {@link #next} builds the snapshot that follows this one and says what a host
 * has to be told: nothing, changed properties, or a new layout (a new revision).
 */
record MenuTree(long revision, MenuNode root, Map<Integer, MenuNode> byId) {
    static final int ROOT = 0;

    MenuTree {
        byId = Map.copyOf(byId);
    }

    /** The empty menu, revision 1. */
    static MenuTree empty() {
        MenuNode root = new MenuNode(ROOT, Map.of(MenuNode.CHILDREN_DISPLAY, MenuNode.SUBMENU), List.of(), null);
        return new MenuTree(1, root, Map.of(ROOT, root));
    }

    MenuNode node(int id) {
        return byId.get(id);
    }

    /** What changed from one snapshot to the next. */
    record Change(MenuTree tree, boolean layoutChanged, List<MenuNode> updated, Map<Integer, List<String>> removed) {
        boolean none() {
            return !layoutChanged && updated.isEmpty();
        }
    }

    /** The snapshot showing {@code entries}, with ids from {@code ids}, and how it differs from this one. */
    Change next(List<MenuEntry> entries, MenuIds ids) {
        Map<Integer, MenuNode> all = new HashMap<>();
        List<MenuNode> children = nodes(entries, ids, all);
        MenuNode newRoot = new MenuNode(ROOT, root.properties(), children, null);
        all.put(ROOT, newRoot);
        if (!newRoot.sameShape(root)) {
            return new Change(new MenuTree(revision + 1, newRoot, all), true, List.of(), Map.of());
        }
        // Same ids in the same places: only properties can differ.
        List<MenuNode> updated = new ArrayList<>();
        Map<Integer, List<String>> removed = new LinkedHashMap<>();
        for (MenuNode now : all.values().stream().sorted((a, b) -> Integer.compare(a.id(), b.id())).toList()) {
            MenuNode before = byId.get(now.id());
            if (!before.properties().equals(now.properties())) {
                updated.add(now);
                Set<String> gone = new TreeSet<>(before.properties().keySet());
                gone.removeAll(now.properties().keySet());
                if (!gone.isEmpty()) {
                    removed.put(now.id(), List.copyOf(gone));
                }
            }
        }
        MenuTree tree = updated.isEmpty() ? this : new MenuTree(revision, newRoot, all);
        return new Change(tree, false, List.copyOf(updated), Collections.unmodifiableMap(removed));
    }

    private static List<MenuNode> nodes(List<MenuEntry> entries, MenuIds ids, Map<Integer, MenuNode> all) {
        List<MenuNode> out = new ArrayList<>(entries.size());
        Map<String, Integer> seen = new HashMap<>();
        for (MenuEntry e : entries) {
            int id = ids.idOf(e.id(), seen.merge(e.id(), 1, Integer::sum) - 1);
            while (all.containsKey(id)) {
                // The same entry id in two submenus: a fresh id for the later one keeps the tree a tree.
                id = ids.idOf(e.id(), seen.merge(e.id(), 1, Integer::sum) - 1);
            }
            MenuNode node = switch (e) {
                case Item item -> {
                    Map<String, Object> p = new LinkedHashMap<>();
                    p.put(MenuNode.LABEL, label(item.label()));
                    if (!item.enabled()) {
                        p.put(MenuNode.ENABLED, false);
                    }
                    yield new MenuNode(id, p, List.of(), item.action());
                }
                case Submenu sub -> {
                    all.put(id, null); // reserve before the children take ids
                    List<MenuNode> kids = nodes(sub.entries(), ids, all);
                    yield new MenuNode(id, Map.of(MenuNode.LABEL, label(sub.label()),
                            MenuNode.CHILDREN_DISPLAY, MenuNode.SUBMENU), kids, null);
                }
                case Separator sep -> new MenuNode(id, Map.of(MenuNode.TYPE, MenuNode.SEPARATOR), List.of(), null);
            };
            all.put(id, node);
            out.add(node);
        }
        return out;
    }

    /** dbusmenu labels take '_' as the mnemonic mark (the next letter is underlined); "__" is a plain '_'. */
    static String label(String text) {
        return text.replace("_", "__");
    }
}
