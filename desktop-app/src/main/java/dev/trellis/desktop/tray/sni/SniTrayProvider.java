package dev.trellis.desktop.tray.sni;

import dev.trellis.desktop.model.Action;
import dev.trellis.desktop.tray.Tray;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The tray chooser's way in (kind "sni"): a StatusNotifierItem tray when the session bus has a
 * host for it, else empty and the reason, in words for the window's banner.
 */
public final class SniTrayProvider {
    public static final String KIND = "sni";

    private SniTrayProvider() {}

    /**
     * Opens a StatusNotifierItem tray on the session bus at {@code busAddress} (normally
     * {@code System.getenv("DBUS_SESSION_BUS_ADDRESS")}); at most {@link SniTray#OPEN_TIMEOUT}.
     * When it is empty, {@code whyNot} has the reason appended.
     */
    public static Optional<Tray> tryOpen(String busAddress, Consumer<Action> onAction, StringBuilder whyNot) {
        if (busAddress == null || busAddress.isBlank()) {
            whyNot.append("No D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set).");
            return Optional.empty();
        }
        try {
            Optional<SniTray> tray = SniTray.open(busAddress, onAction);
            if (tray.isEmpty()) {
                whyNot.append("The desktop has no StatusNotifierItem tray: nothing on the session bus owns "
                        + SniTray.WATCHER + ".");
            }
            return tray.map(Tray.class::cast);
        } catch (SniException e) {
            whyNot.append(e.getMessage());
            return Optional.empty();
        }
    }
}
