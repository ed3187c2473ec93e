package dev.trellis.desktop.tray;

import dev.trellis.desktop.model.Action;
import dev.trellis.desktop.model.MenuEntry;
import dev.trellis.desktop.model.MenuEntry.Item;
import dev.trellis.desktop.model.MenuEntry.Separator;
import dev.trellis.desktop.model.MenuEntry.Submenu;
import java.awt.EventQueue;
import java.awt.Font;
import java.awt.GraphicsEnvironment;
import java.awt.Menu;
import java.awt.MenuItem;
import java.awt.PopupMenu;
import java.awt.event.ActionEvent;
import java.awt.event.ActionListener;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The tray's {@link PopupMenu}, kept in step with a {@link MenuEntry} tree. Confined to the AWT
 * event thread. The PopupMenu object lives as long as the tray; when the new tree has the same
 * shape as the shown one (the same kinds of entry at the same places, as when only a status line,
 * a peer's path or an enabled flag changed) the items are updated in place, so an open menu
 * changes under the pointer instead of closing; otherwise its items are rebuilt.
 *
 * <p>Items carry their entry's id as the AWT action command; a click looks the id up in the last
 * tree's actions, so a click that races a rebuild runs what the label said when it was drawn or
 * nothing, never another entry's action.
 */
final class AwtMenu {
    /** The marks the model puts in labels; the menu's font must have them or they show as boxes. */
    static final String MARKS = "●○⚠…·▸";

    private final PopupMenu popup;
    private final Consumer<Action> onClick;
    private final ActionListener listener = this::clicked;
    private List<MenuEntry> shown = List.of();
    private Map<String, Action> actions = Map.of();

    AwtMenu(PopupMenu popup, Consumer<Action> onClick) {
        this.popup = popup;
        this.onClick = onClick;
        popup.setFont(font());
    }

    /** Whether {@code entries} is what the menu shows now. */
    boolean shows(List<MenuEntry> entries) {
        return shown.equals(entries);
    }

    void show(List<MenuEntry> entries) {
        assert EventQueue.isDispatchThread();
        if (shown.equals(entries)) {
            return;
        }
        if (sameShape(shown, entries)) {
            updateInPlace(popup, entries);
        } else {
            popup.removeAll();
            addAll(popup, entries);
        }
        Map<String, Action> next = new HashMap<>();
        collectActions(entries, next);
        actions = next;
        shown = entries;
    }

    private void clicked(ActionEvent e) {
        Action a = actions.get(e.getActionCommand());
        if (a != null) {
            onClick.accept(a);
        }
    }

    private void addAll(Menu menu, List<MenuEntry> entries) {
        for (MenuEntry e : entries) {
            switch (e) {
                case Item item -> {
                    MenuItem mi = new MenuItem();
                    set(mi, item);
                    mi.addActionListener(listener);
                    menu.add(mi);
                }
                case Submenu sub -> {
                    Menu m = new Menu(label(sub.label()));
                    m.setActionCommand(sub.id());
                    addAll(m, sub.entries());
                    menu.add(m);
                }
                case Separator _ -> menu.addSeparator();
            }
        }
    }

    private static void updateInPlace(Menu menu, List<MenuEntry> entries) {
        for (int i = 0; i < entries.size(); i++) {
            MenuItem mi = menu.getItem(i);
            switch (entries.get(i)) {
                case Item item -> set(mi, item);
                case Submenu sub -> {
                    setLabel(mi, sub.label());
                    mi.setActionCommand(sub.id());
                    updateInPlace((Menu) mi, sub.entries());
                }
                case Separator _ -> { }
            }
        }
    }

    private static void set(MenuItem mi, Item item) {
        setLabel(mi, item.label());
        mi.setActionCommand(item.id());
        boolean enabled = item.enabled() && item.action() != null;
        if (mi.isEnabled() != enabled) {
            mi.setEnabled(enabled);
        }
    }

    /** Sets only what changed: AWT repaints an open menu on every setLabel. */
    private static void setLabel(MenuItem mi, String label) {
        String l = label(label);
        if (!l.equals(mi.getLabel())) {
            mi.setLabel(l);
        }
    }

    /** AWT draws an item labelled "-" as a separator; a real entry's label must not become one. */
    private static String label(String label) {
        return label.equals("-") ? "\u2010" : label;
    }

    /** The same kinds of entry at the same places, recursively; labels, ids and flags may differ. */
    static boolean sameShape(List<MenuEntry> a, List<MenuEntry> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            MenuEntry x = a.get(i);
            MenuEntry y = b.get(i);
            if (x.getClass() != y.getClass()) {
                return false;
            }
            if (x instanceof Submenu sx && !sameShape(sx.entries(), ((Submenu) y).entries())) {
                return false;
            }
        }
        return true;
    }

    private static void collectActions(List<MenuEntry> entries, Map<String, Action> into) {
        for (MenuEntry e : entries) {
            switch (e) {
                case Item item when item.enabled() && item.action() != null -> into.put(item.id(), item.action());
                case Submenu sub -> collectActions(sub.entries(), into);
                default -> { }
            }
        }
    }

    /**
     * The menu's font: AWT's own menu font (the logical "Dialog", 12 pt, which falls back across
     * the system's fonts for names in any script) when it has the model's marks, else the first
     * installed family that has them; the marks must not show as boxes.
     */
    static Font font() {
        Font dialog = new Font(Font.DIALOG, Font.PLAIN, 12);
        if (dialog.canDisplayUpTo(MARKS) == -1) {
            return dialog;
        }
        Set<String> installed = Set.of(GraphicsEnvironment.getLocalGraphicsEnvironment()
                .getAvailableFontFamilyNames());
        for (String family : List.of("DejaVu Sans", "Noto Sans", "Noto Sans Symbols", "Liberation Sans",
                "FreeSans")) {
            Font f = new Font(family, Font.PLAIN, 12);
            if (installed.contains(family) && f.canDisplayUpTo(MARKS) == -1) {
                return f;
            }
        }
        return dialog;
    }
}
