/**
 * What the desktop app shows, derived from the daemon's answers and nothing else: pure Java (no
 * JavaFX, no AWT), so every state the tray and the window can be in is unit-testable.
 *
 * <p>{@link dev.trellis.desktop.model.DaemonSnapshot} is what the app last learned from trellisd;
 * {@link dev.trellis.desktop.model.AppView#of} turns it into the tray state, the status line, this
 * device and the peers; {@link dev.trellis.desktop.model.TrayMenu#build} turns that into the tray
 * menu, a tree of {@link dev.trellis.desktop.model.MenuEntry} that every tray implementation
 * renders the same way. Clicks come back as {@link dev.trellis.desktop.model.Action}s.
 */
package dev.trellis.desktop.model;
