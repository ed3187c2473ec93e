package dev.trellis.desktop.tray.sni;

import java.util.List;
import java.util.Map;
import org.freedesktop.dbus.Struct;
import org.freedesktop.dbus.Tuple;
import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.annotations.Position;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.interfaces.DBusInterface;
import org.freedesktop.dbus.messages.DBusSignal;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.Variant;

/**
 * {@code com.canonical.dbusmenu} (version 3), as libdbusmenu's {@code com.canonical.dbusmenu.xml}
 * defines it: a menu as a tree of items with integer ids, each a dictionary of properties
 * ({@code label}, {@code enabled}, {@code type}, {@code children-display}, …) where a property at
 * its default value may be left out. The host reads the tree with {@code GetLayout} and reports
 * clicks with {@code Event(id, "clicked", …)}; the server announces a changed tree with
 * {@code LayoutUpdated} and changed properties with {@code ItemsPropertiesUpdated}. The properties
 * of the menu itself (Version, TextDirection, Status, IconThemePath) are served through
 * {@code org.freedesktop.DBus.Properties} by {@link MenuObject}.
 */
@DBusInterfaceName("com.canonical.dbusmenu")
public interface DbusMenu extends DBusInterface {

    /**
     * The subtree under {@code parentId} (0 is the root) to {@code recursionDepth} levels (-1: all,
     * 0: the item alone), with the named properties (none named: all); first the layout revision.
     */
    Results<UInt32, Layout> GetLayout(int parentId, int recursionDepth, List<String> propertyNames);

    /** The named properties (none named: all) of the given items (none given: every item). */
    List<ItemProperties> GetGroupProperties(List<Integer> ids, List<String> propertyNames);

    /** One property of one item. */
    Variant<?> GetProperty(int id, String name);

    /** Something happened to an item: "clicked", "hovered", "opened", "closed". */
    void Event(int id, String eventId, Variant<?> data, UInt32 timestamp);

    /** Several {@link #Event}s at once; answers the ids it did not know. */
    List<Integer> EventGroup(List<MenuEvent> events);

    /** The item's submenu is about to be shown; answers whether the host should fetch the layout again. */
    boolean AboutToShow(int id);

    /** {@link #AboutToShow} for several items: first which need an update, then which ids were unknown. */
    Results<List<Integer>, List<Integer>> AboutToShowGroup(List<Integer> ids);

    /** An item and its subtree: id, properties, children (each a variant holding a Layout). Signature (ia{sv}av). */
    final class Layout extends Struct {
        public static final String SIGNATURE = "(ia{sv}av)";
        @Position(0)
        public final int id;
        @Position(1)
        public final Map<String, Variant<?>> properties;
        @Position(2)
        public final List<Variant<?>> children;

        public Layout(int id, Map<String, Variant<?>> properties, List<Variant<?>> children) {
            this.id = id;
            this.properties = properties;
            this.children = children;
        }
    }

    /**
     * Two out-arguments of one method. dbus-java reads a reply's signature from the type arguments
     * of the declared return type, so a multi-valued reply has to be a generic Tuple.
     */
    final class Results<A, B> extends Tuple {
        @Position(0)
        public final A first;
        @Position(1)
        public final B second;

        public Results(A first, B second) {
            this.first = first;
            this.second = second;
        }
    }

    /** An item's id and properties. Signature (ia{sv}). */
    final class ItemProperties extends Struct {
        @Position(0)
        public final int id;
        @Position(1)
        public final Map<String, Variant<?>> properties;

        public ItemProperties(int id, Map<String, Variant<?>> properties) {
            this.id = id;
            this.properties = properties;
        }
    }

    /** Properties an item no longer has (so they are back at their defaults). Signature (ias). */
    final class RemovedProperties extends Struct {
        @Position(0)
        public final int id;
        @Position(1)
        public final List<String> names;

        public RemovedProperties(int id, List<String> names) {
            this.id = id;
            this.names = names;
        }
    }

    /** One event of {@link #EventGroup}. Signature (isvu). */
    final class MenuEvent extends Struct {
        @Position(0)
        public final int id;
        @Position(1)
        public final String eventId;
        @Position(2)
        public final Variant<?> data;
        @Position(3)
        public final UInt32 timestamp;

        public MenuEvent(int id, String eventId, Variant<?> data, UInt32 timestamp) {
            this.id = id;
            this.eventId = eventId;
            this.data = data;
            this.timestamp = timestamp;
        }
    }

    /** The tree under {@code parent} changed (0: the whole menu); fetch it again. */
    class LayoutUpdated extends DBusSignal {
        public final UInt32 revision;
        public final int parent;

        public LayoutUpdated(String path, UInt32 revision, int parent) throws DBusException {
            super(path, revision, parent);
            this.revision = revision;
            this.parent = parent;
        }
    }

    /** Only properties changed: the new values, and the properties that went back to their defaults. */
    class ItemsPropertiesUpdated extends DBusSignal {
        public final List<ItemProperties> updatedProps;
        public final List<RemovedProperties> removedProps;

        public ItemsPropertiesUpdated(String path, List<ItemProperties> updatedProps,
                List<RemovedProperties> removedProps) throws DBusException {
            super(path, updatedProps, removedProps);
            this.updatedProps = updatedProps;
            this.removedProps = removedProps;
        }
    }
}
