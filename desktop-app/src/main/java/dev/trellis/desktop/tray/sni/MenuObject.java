package dev.trellis.desktop.tray.sni;

import dev.trellis.desktop.model.Action;
import dev.trellis.desktop.model.MenuEntry;
import java.awt.ComponentOrientation;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.freedesktop.dbus.errors.InvalidMethodArgument;
import org.freedesktop.dbus.errors.UnknownInterface;
import org.freedesktop.dbus.errors.UnknownProperty;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.Variant;

/**
 * The exported {@code com.canonical.dbusmenu} at {@value #PATH}: serves the last menu
 * {@link #show shown} as a {@link MenuTree} snapshot and turns a "clicked" event on an item into
 * that item's {@link Action}. Called on dbus-java's threads.
 */
final class MenuObject implements DbusMenu, Properties {
    static final String PATH = "/MenuBar";
    static final String INTERFACE = "com.canonical.dbusmenu";
    /** Past this many levels a GetLayout answer stops: the model's menus are two deep. */
    private static final int MAX_DEPTH = 16;

    private final Consumer<Action> onAction;
    private final HostCalls calls;
    private final ReadOnlyProperties props;
    private final MenuIds ids = new MenuIds();
    private volatile MenuTree tree = MenuTree.empty();

    MenuObject(Consumer<Action> onAction, HostCalls calls) {
        this.onAction = Objects.requireNonNull(onAction, "onAction");
        this.calls = Objects.requireNonNull(calls, "calls");
        this.props = new ReadOnlyProperties(INTERFACE, calls, MenuObject::properties);
    }

    /** Shows this menu; answers what the host has to be told. */
    synchronized MenuTree.Change show(List<MenuEntry> entries) {
        MenuTree.Change change = tree.next(entries, ids);
        tree = change.tree();
        return change;
    }

    MenuTree tree() {
        return tree;
    }

    @Override
    public Results<UInt32, Layout> GetLayout(int parentId, int recursionDepth, List<String> propertyNames) {
        calls.record("GetLayout", parentId + " " + recursionDepth + " " + propertyNames);
        MenuTree t = tree;
        MenuNode parent = known(t, parentId);
        int depth = recursionDepth < 0 ? MAX_DEPTH : Math.min(recursionDepth, MAX_DEPTH);
        return new Results<>(new UInt32(t.revision()), layout(parent, depth, propertyNames));
    }

    private static Layout layout(MenuNode node, int depth, List<String> names) {
        List<Variant<?>> children = new ArrayList<>();
        if (depth > 0) {
            for (MenuNode child : node.children()) {
                children.add(new Variant<>(layout(child, depth - 1, names), Layout.SIGNATURE));
            }
        }
        return new Layout(node.id(), properties(node, names), children);
    }

    @Override
    public List<ItemProperties> GetGroupProperties(List<Integer> ids, List<String> propertyNames) {
        calls.record("GetGroupProperties", ids + " " + propertyNames);
        MenuTree t = tree;
        Collection<Integer> wanted = ids.isEmpty() ? t.byId().keySet().stream().sorted().toList() : ids;
        List<ItemProperties> out = new ArrayList<>();
        for (int id : wanted) {
            MenuNode n = t.node(id);
            if (n != null) { // the spec answers the known ones and skips the rest
                out.add(new ItemProperties(id, properties(n, propertyNames)));
            }
        }
        return out;
    }

    @Override
    public Variant<?> GetProperty(int id, String name) {
        calls.record("GetProperty", id + " " + name);
        Object value = known(tree, id).properties().get(name);
        if (value == null) {
            throw new UnknownProperty("menu item " + id + " has no property " + name);
        }
        return new Variant<>(value);
    }

    @Override
    public void Event(int id, String eventId, Variant<?> data, UInt32 timestamp) {
        calls.record("Event", id + " " + eventId);
        event(known(tree, id), eventId);
    }

    @Override
    public List<Integer> EventGroup(List<MenuEvent> events) {
        calls.record("EventGroup", events.stream().map(e -> e.id + " " + e.eventId).toList().toString());
        MenuTree t = tree;
        List<Integer> unknown = new ArrayList<>();
        for (MenuEvent e : events) {
            MenuNode n = t.node(e.id);
            if (n == null) {
                unknown.add(e.id);
            } else {
                event(n, e.eventId);
            }
        }
        if (!events.isEmpty() && unknown.size() == events.size()) {
            throw new InvalidMethodArgument("none of the menu items " + unknown + " exists");
        }
        return unknown;
    }

    private void event(MenuNode node, String eventId) {
        if ("clicked".equals(eventId) && node.clickable()) {
            onAction.accept(node.action());
        }
    }

    @Override
    public boolean AboutToShow(int id) {
        calls.record("AboutToShow", String.valueOf(id));
        known(tree, id);
        return false; // every change was announced when it happened
    }

    @Override
    public Results<List<Integer>, List<Integer>> AboutToShowGroup(List<Integer> ids) {
        calls.record("AboutToShowGroup", ids.toString());
        MenuTree t = tree;
        return new Results<>(List.of(), ids.stream().filter(id -> t.node(id) == null).toList());
    }

    private static MenuNode known(MenuTree t, int id) {
        MenuNode n = t.node(id);
        if (n == null) {
            throw new InvalidMethodArgument("no menu item " + id + " (layout revision " + t.revision() + ")");
        }
        return n;
    }

    static Map<String, Variant<?>> properties(MenuNode node, List<String> names) {
        Map<String, Variant<?>> out = new LinkedHashMap<>();
        node.properties().forEach((k, v) -> {
            if (names.isEmpty() || names.contains(k)) {
                out.put(k, new Variant<>(v));
            }
        });
        return out;
    }

    @Override
    public String getObjectPath() {
        return PATH;
    }

    @Override
    public <A> A Get(String interfaceName, String propertyName) {
        return props.get(interfaceName, propertyName);
    }

    @Override
    public <A> void Set(String interfaceName, String propertyName, A value) {
        throw props.readOnly();
    }

    @Override
    public Map<String, Variant<?>> GetAll(String interfaceName) {
        return props.getAll(interfaceName);
    }

    private static Map<String, Variant<?>> properties(String interfaceName) {
        if (!INTERFACE.equals(interfaceName)) {
            throw new UnknownInterface("no interface " + interfaceName + " at " + PATH);
        }
        Map<String, Variant<?>> p = new LinkedHashMap<>();
        p.put("Version", new Variant<>(new UInt32(3)));
        p.put("TextDirection", new Variant<>(
                ComponentOrientation.getOrientation(Locale.getDefault()).isLeftToRight() ? "ltr" : "rtl"));
        p.put("Status", new Variant<>("normal"));
        p.put("IconThemePath", new Variant<>(List.of(), "as"));
        return p;
    }
}
