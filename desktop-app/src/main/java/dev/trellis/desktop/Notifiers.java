package dev.trellis.desktop;

import dev.trellis.desktop.platform.DbusNotifier;
import dev.trellis.desktop.platform.FxNotifier;
import dev.trellis.desktop.platform.Notifier;
import dev.trellis.desktop.ui.MainWindow;
import dev.trellis.desktop.ui.Themes;

/** Picks how notifications are shown: the desktop's own service when there is one, else the app's popups. */
final class Notifiers {
    private Notifiers() {}

    /** Blocks up to two seconds asking the session bus; call it off the FX thread. */
    static Notifier choose(MainWindow window) {
        boolean dark = Themes.of(window.stage().getScene()) == Themes.Theme.DARK;
        Notifier popups = new FxNotifier(dark);
        DbusNotifier dbus = DbusNotifier.open(System.getenv("DBUS_SESSION_BUS_ADDRESS"), popups, 2000);
        return dbus != null ? dbus : popups;
    }
}
