package dev.trellis.desktop.tray;

import dev.trellis.desktop.model.MenuEntry;
import dev.trellis.desktop.model.TrayState;
import java.util.List;

/**
 * The app's icon in the desktop's tray: an XEmbed icon through AWT's SystemTray ({@link AwtTray}),
 * a StatusNotifierItem over D-Bus, or none at all ({@link NoTray}); {@link Trays#open} picks one.
 *
 * <p>Threads: every method may be called from any thread and returns quickly; none waits for the
 * desktop. Clicks on menu entries come back as the entry's {@link dev.trellis.desktop.model.Action}
 * to the handler given when the tray was opened, and a primary (left) click on the icon as
 * {@link dev.trellis.desktop.model.Action.Kind#OPEN_WINDOW}. The handler runs on a thread of the
 * tray's own (an {@link ActionDispatcher}), never on the AWT event thread or a D-Bus thread, one
 * action at a time in the order of the clicks; so a slow handler delays later clicks, never the
 * desktop's menu.
 *
 * <p>Until the first {@link #update}, a tray shows {@link TrayState#CONNECTING}, the options' title
 * as its tooltip, and an empty menu.
 */
public interface Tray extends AutoCloseable {
    /** {@link #kind()} of the StatusNotifierItem tray (KDE, GNOME's AppIndicator extension, XFCE). */
    String SNI = "sni";
    /** {@link #kind()} of the XEmbed tray through java.awt.SystemTray (trayer, stalonetray, older panels). */
    String XEMBED = "xembed";
    /** {@link #kind()} of no tray at all. */
    String NONE = "none";

    /** {@value #XEMBED}, {@value #SNI} or {@value #NONE}. */
    String kind();

    /**
     * Whether an icon is shown now; false for the no-tray fallback, after {@link #close()}, and while
     * the desktop's tray has gone away (an XEmbed icon comes back when a tray does).
     */
    boolean available();

    /** Why there is no icon, in words for the window's banner (null when {@link #available()}). */
    String unavailableReason();

    /**
     * Shows this state: its icon, its tooltip and its menu. Cheap when nothing changed (an equality
     * check); otherwise the change is applied asynchronously, coalesced with later ones, and an open
     * menu is updated in place where the tray allows it.
     *
     * @param tooltip one or more lines; a tray that shows a single line joins them
     * @param menu the whole menu, as {@link dev.trellis.desktop.model.TrayMenu#build} makes it
     */
    void update(TrayState state, String tooltip, List<MenuEntry> menu);

    /** Removes the icon and lets go of its resources, the handler's thread too. Idempotent; never throws. */
    @Override
    void close();
}
