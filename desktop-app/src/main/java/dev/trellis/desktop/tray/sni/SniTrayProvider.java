package dev.trellis.desktop.tray.sni;

import dev.trellis.desktop.model.Action;
import dev.trellis.desktop.tray.Tray;
import dev.trellis.desktop.tray.TrayOptions;
import dev.trellis.desktop.tray.TrayProvider;
import dev.trellis.desktop.tray.TrayUnavailableException;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The tray chooser's way in (kind "sni"): a StatusNotifierItem tray when the session bus has a
 * host for it, else the reason, in words for the window's banner.
 */
public final class SniTrayProvider implements TrayProvider {
    public static final String KIND = "sni";

    private final Supplier<String> busAddress;

    /** Uses the session bus of {@code DBUS_SESSION_BUS_ADDRESS}. */
    public SniTrayProvider() {
        this(() -> System.getenv("DBUS_SESSION_BUS_ADDRESS"));
    }

    public SniTrayProvider(Supplier<String> busAddress) {
        this.busAddress = busAddress;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public Tray open(TrayOptions options, Consumer<Action> onAction) throws TrayUnavailableException {
        StringBuilder why = new StringBuilder();
        Optional<Tray> tray = tryOpen(busAddress.get(), onAction, why);
        if (tray.isEmpty()) {
            throw new TrayUnavailableException(why.toString());
        }
        return tray.get();
    }

    /**
     * Opens a StatusNotifierItem tray on the session bus at {@code busAddress} (normally
     * {@code System.getenv("DBUS_SESSION_BUS_ADDRESS")}); at most {@link SniTray#OPEN_TIMEOUT}.
     * When it is empty, {@code whyNot} has the reason appended.
     */
    public static Optional<Tray> tryOpen(String busAddress, Consumer<Action> onAction, StringBuilder whyNot) {
        if (busAddress == null || busAddress.isBlank()) {
            whyNot.append("no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)");
            return Optional.empty();
        }
        try {
            Optional<SniTray> tray = SniTray.open(busAddress, onAction);
            if (tray.isEmpty()) {
                whyNot.append("no StatusNotifierItem host: nothing on the session bus owns " + SniTray.WATCHER);
            }
            return tray.map(Tray.class::cast);
        } catch (SniException e) {
            whyNot.append(e.getMessage());
            return Optional.empty();
        }
    }
}
