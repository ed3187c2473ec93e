package dev.trellis.desktop.tray.sni;

import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.interfaces.DBusInterface;

/**
 * {@code org.kde.StatusNotifierWatcher} at {@code /StatusNotifierWatcher}, owned by the desktop's
 * tray (the host): items register with it, hosts learn about items from it. Its property
 * {@code RegisteredStatusNotifierItems} (as) lists the items it knows.
 */
@DBusInterfaceName("org.kde.StatusNotifierWatcher")
public interface StatusNotifierWatcher extends DBusInterface {
    String BUS_NAME = "org.kde.StatusNotifierWatcher";
    String PATH = "/StatusNotifierWatcher";

    /** Registers the item at {@code service}: a bus name (the item is at /StatusNotifierItem) or an object path. */
    void RegisterStatusNotifierItem(String service);
}
