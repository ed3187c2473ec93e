/**
 * The app's living part, without JavaFX: {@link dev.trellis.desktop.app.DaemonWatcher} keeps a
 * current {@link dev.trellis.desktop.model.DaemonSnapshot} from trellisd's LocalAPI (its
 * notification bus, and status on every notification and every two seconds),
 * {@link dev.trellis.desktop.app.AppController} runs what a click asks for against the LocalAPI,
 * and {@link dev.trellis.desktop.app.NotificationPolicy} decides which changes deserve a desktop
 * notification. The JavaFX application ({@code dev.trellis.desktop.TrellisDesktopApp}) wires them to
 * the window and the tray.
 */
package dev.trellis.desktop.app;
