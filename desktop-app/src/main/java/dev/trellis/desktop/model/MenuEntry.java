package dev.trellis.desktop.model;

import java.util.List;
import java.util.Objects;

/**
 * One entry of the tray menu, as data. Every tray (XEmbed through AWT, StatusNotifierItem over
 * D-Bus) renders the same tree, and tests read it directly. Ids are stable across rebuilds, so a
 * tray can update an open menu in place and a test can find an entry.
 */
public sealed interface MenuEntry {

    /** Stable within a menu: e.g. {@code status}, {@code connect}, {@code peer:<key>:addr}. */
    String id();

    /** A line of text; clicking it runs {@code action} when there is one and it is enabled. */
    record Item(String id, String label, boolean enabled, Action action) implements MenuEntry {
        public Item {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(label, "label");
        }

        /** A line that does nothing (the status line, a group heading). */
        public static Item text(String id, String label) {
            return new Item(id, label, false, null);
        }

        public static Item action(String id, String label, Action action) {
            return new Item(id, label, true, Objects.requireNonNull(action, "action"));
        }
    }

    /** A nested menu. */
    record Submenu(String id, String label, List<MenuEntry> entries) implements MenuEntry {
        public Submenu {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(label, "label");
            entries = List.copyOf(entries);
        }
    }

    /** A line between groups of entries. */
    record Separator(String id) implements MenuEntry {
        public Separator {
            Objects.requireNonNull(id, "id");
        }
    }
}
