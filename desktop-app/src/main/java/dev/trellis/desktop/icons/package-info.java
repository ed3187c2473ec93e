/**
 * The tray icon of each state, drawn with Java2D at any size; any tray implementation and the
 * window may depend on it (it depends only on the model).
 */
package dev.trellis.desktop.icons;
