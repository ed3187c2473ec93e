package dev.trellis.desktop.tray.sni;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.interfaces.DBus;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.types.Variant;

/** The test's own connection to a bus: who owns what, and what the watcher has registered. */
final class BusClient implements AutoCloseable {
    private static final Duration CALL = Duration.ofSeconds(5);
    final DBusConnection conn;
    private final DBus dbus;

    BusClient(String address) throws DBusException {
        conn = DBusConnectionBuilder.forAddress(address).withShared(false).build();
        dbus = conn.getRemoteObject("org.freedesktop.DBus", "/org/freedesktop/DBus", DBus.class);
    }

    boolean hasOwner(String name) {
        try {
            return Boolean.TRUE.equals(BusCalls.call(conn, dbus, "NameHasOwner", BusCalls.deadline(CALL), name));
        } catch (SniException e) {
            throw new AssertionError(e);
        }
    }

    /** The unique name owning {@code name}, or "" when nobody does. */
    String owner(String name) {
        if (!hasOwner(name)) {
            return "";
        }
        try {
            return (String) BusCalls.call(conn, dbus, "GetNameOwner", BusCalls.deadline(CALL), name);
        } catch (SniException e) {
            return ""; // gone meanwhile
        }
    }

    /** The watcher's RegisteredStatusNotifierItems ("name/path" each), empty when there is no watcher. */
    List<String> registeredItems() {
        if (!hasOwner(SniTray.WATCHER)) {
            return List.of();
        }
        try {
            Properties p = conn.getRemoteObject(SniTray.WATCHER, StatusNotifierWatcher.PATH, Properties.class);
            Object v = BusCalls.call(conn, p, "Get", BusCalls.deadline(CALL), SniTray.WATCHER,
                    "RegisteredStatusNotifierItems");
            if (v instanceof Variant<?> variant) {
                v = variant.getValue();
            }
            if (v instanceof String[] a) {
                return Arrays.asList(a);
            }
            @SuppressWarnings("unchecked")
            List<String> l = (List<String>) v;
            return List.copyOf(l);
        } catch (SniException | DBusException e) {
            return List.of(); // the watcher went away meanwhile
        }
    }

    @Override
    public void close() {
        conn.disconnect();
    }
}
