package dev.trellis.desktop.tray;

import dev.trellis.desktop.model.Action;
import java.util.function.Consumer;

/**
 * One kind of tray that {@link Trays#open} can try: the XEmbed tray ({@link AwtTray#PROVIDER}), the
 * StatusNotifierItem tray (in {@code tray.sni}). A provider is stateless; each {@link #open} makes a
 * new {@link Tray}.
 */
public interface TrayProvider {

    /** {@value Tray#SNI} or {@value Tray#XEMBED}: what {@link TrayOptions#kind()} and {@code TRELLIS_TRAY} call it. */
    String kind();

    /**
     * Shows an icon, or says why this desktop can't.
     *
     * <p>Contract: returns an {@link Tray#available() available} tray of this {@link #kind()}, which
     * calls {@code onAction} as {@link Tray} describes (an {@link ActionDispatcher} does that). May
     * block, at most {@link TrayOptions#openTimeout()}, while the desktop accepts the icon;
     * {@link Trays} calls it on a thread of its own, never the AWT or JavaFX thread, and gives up
     * on it (closing the tray it returns late) {@link Trays#OPEN_GRACE} after that. When the desktop
     * has no such tray it throws {@link TrayUnavailableException} with the reason, having released
     * whatever it took (a bus connection, an AWT icon). Anything else it throws is treated the same
     * way by Trays, but is a bug.
     */
    Tray open(TrayOptions options, Consumer<Action> onAction) throws TrayUnavailableException;
}
