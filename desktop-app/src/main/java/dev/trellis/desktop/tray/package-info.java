/**
 * The app's icon in the desktop's tray: the {@link dev.trellis.desktop.tray.Tray} seam, the XEmbed
 * tray through AWT, the no-tray fallback, and {@link dev.trellis.desktop.tray.Trays}, which picks
 * one at run time from {@link dev.trellis.desktop.tray.TrayProvider}s. The app depends on Tray,
 * Trays and TrayOptions; tray implementations (the StatusNotifierItem one in {@code tray.sni})
 * depend on TrayProvider and ActionDispatcher.
 */
package dev.trellis.desktop.tray;
