package dev.trellis.desktop.tray;

import dev.trellis.desktop.model.MenuEntry;
import dev.trellis.desktop.model.TrayState;
import java.util.List;

/**
 * The app's icon in the desktop's tray: an XEmbed icon through AWT's SystemTray, a
 * StatusNotifierItem over D-Bus, or none at all. Clicks on menu entries come back as the
 * {@link dev.trellis.desktop.model.Action} of the entry, to the handler given when the tray was
 * opened. Every method may be called from any thread and never blocks for long.
 */
public interface Tray extends AutoCloseable {

    /** "xembed", "sni" or "none". */
    String kind();

    /** Whether an icon is shown; false for the no-tray fallback. */
    boolean available();

    /** Why there is no icon, in words for the window's banner (null when {@link #available()}). */
    String unavailableReason();

    /**
     * Shows this state: its icon, its tooltip and its menu. Cheap when nothing changed; an open
     * menu is updated in place where the tray allows it.
     */
    void update(TrayState state, String tooltip, List<MenuEntry> menu);

    /** Removes the icon and lets go of its resources. Never throws. */
    @Override
    void close();
}
