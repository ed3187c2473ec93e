/**
 * The tray icon as a StatusNotifierItem over the D-Bus session bus (KDE Plasma, GNOME's
 * AppIndicator extension, XFCE's status tray, waybar, …): {@link dev.trellis.desktop.tray.sni.SniTray}
 * exports {@code org.kde.StatusNotifierItem} and its {@code com.canonical.dbusmenu} menu with
 * dbus-java and registers with the desktop's {@code org.kde.StatusNotifierWatcher}. Only the tray
 * chooser in {@code dev.trellis.desktop.tray} depends on this package, through
 * {@link dev.trellis.desktop.tray.sni.SniTrayProvider}.
 */
package dev.trellis.desktop.tray.sni;
