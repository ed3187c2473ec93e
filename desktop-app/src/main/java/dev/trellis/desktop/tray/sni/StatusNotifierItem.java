package dev.trellis.desktop.tray.sni;

import java.util.List;
import org.freedesktop.dbus.Struct;
import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.annotations.Position;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.interfaces.DBusInterface;
import org.freedesktop.dbus.messages.DBusSignal;

/**
 * {@code org.kde.StatusNotifierItem}, as the freedesktop/KDE StatusNotifierItem specification
 * defines it: the methods a host calls on a click or a scroll, and the signals that tell it to
 * re-read properties. The properties themselves (Category, Id, Title, Status, IconPixmap, ToolTip,
 * Menu, …) are served through {@code org.freedesktop.DBus.Properties} by {@link ItemObject}.
 */
@DBusInterfaceName("org.kde.StatusNotifierItem")
public interface StatusNotifierItem extends DBusInterface {

    /** Primary action (usually a left click); x and y are the screen position of the click. */
    void Activate(int x, int y);

    /** Secondary action (usually a middle click). */
    void SecondaryActivate(int x, int y);

    /** Asks the item to show its own context menu; hosts that read {@code Menu} show that instead. */
    void ContextMenu(int x, int y);

    /** A mouse wheel turn over the icon; orientation is "vertical" or "horizontal". */
    void Scroll(int delta, String orientation);

    /** One icon image: width, height, then ARGB32 pixels in network byte order, row by row. Signature (iiay). */
    final class Pixmap extends Struct {
        @Position(0)
        public final int width;
        @Position(1)
        public final int height;
        @Position(2)
        public final byte[] data;

        public Pixmap(int width, int height, byte[] data) {
            this.width = width;
            this.height = height;
            this.data = data;
        }
    }

    /** The tooltip: icon name, icon pixmaps, title, description. Signature (sa(iiay)ss). */
    final class ToolTip extends Struct {
        @Position(0)
        public final String iconName;
        @Position(1)
        public final List<Pixmap> iconPixmap;
        @Position(2)
        public final String title;
        @Position(3)
        public final String description;

        public ToolTip(String iconName, List<Pixmap> iconPixmap, String title, String description) {
            this.iconName = iconName;
            this.iconPixmap = iconPixmap;
            this.title = title;
            this.description = description;
        }
    }

    /** IconName or IconPixmap changed. */
    class NewIcon extends DBusSignal {
        public NewIcon(String path) throws DBusException {
            super(path);
        }
    }

    /** AttentionIconName or AttentionIconPixmap changed. */
    class NewAttentionIcon extends DBusSignal {
        public NewAttentionIcon(String path) throws DBusException {
            super(path);
        }
    }

    /** ToolTip changed. */
    class NewToolTip extends DBusSignal {
        public NewToolTip(String path) throws DBusException {
            super(path);
        }
    }

    /** Status changed; carries the new value. */
    class NewStatus extends DBusSignal {
        public final String status;

        public NewStatus(String path, String status) throws DBusException {
            super(path, status);
            this.status = status;
        }
    }
}
