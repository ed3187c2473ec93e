/**
 * The Trellis window (status, this device, the peer list) and the Preferences dialog in JavaFX,
 * drawn from {@link dev.trellis.desktop.model.AppView} and answering with
 * {@link dev.trellis.desktop.model.Action}s; only the app's wiring ({@code dev.trellis.desktop})
 * depends on it.
 */
package dev.trellis.desktop.ui;
