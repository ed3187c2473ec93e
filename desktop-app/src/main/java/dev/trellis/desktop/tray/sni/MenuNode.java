package dev.trellis.desktop.tray.sni;

import dev.trellis.desktop.model.Action;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One dbusmenu item, as plain data: its integer id, its properties as dbusmenu names them (values
 * are {@code String} or {@code Boolean}; a property at its default value is left out), its
 * children, and what a click on it does (null: nothing).
 */
record MenuNode(int id, Map<String, Object> properties, List<MenuNode> children, Action action) {
    /** Property names and values as the dbusmenu spec spells them. */
    static final String TYPE = "type";
    static final String LABEL = "label";
    static final String ENABLED = "enabled";
    static final String CHILDREN_DISPLAY = "children-display";
    static final String SEPARATOR = "separator";
    static final String SUBMENU = "submenu";

    MenuNode {
        properties = Map.copyOf(properties);
        children = List.copyOf(children);
    }

    /** Whether a "clicked" event on this item should run its action. */
    boolean clickable() {
        return action != null && !Boolean.FALSE.equals(properties.get(ENABLED));
    }

    /** The same layout (ids, types and nesting), whatever the labels and enabled states. */
    boolean sameShape(MenuNode other) {
        if (id != other.id
                || !Objects.equals(properties.get(TYPE), other.properties.get(TYPE))
                || !Objects.equals(properties.get(CHILDREN_DISPLAY), other.properties.get(CHILDREN_DISPLAY))
                || children.size() != other.children.size()) {
            return false;
        }
        for (int i = 0; i < children.size(); i++) {
            if (!children.get(i).sameShape(other.children.get(i))) {
                return false;
            }
        }
        return true;
    }
}
