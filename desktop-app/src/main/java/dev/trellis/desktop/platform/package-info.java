/**
 * The app's doors to the desktop: opening a URL in the browser, desktop notifications (the
 * freedesktop notification service over D-Bus, else ControlsFX popups), the app's own settings
 * file, and the XDG autostart entry. Each is an interface or a small class with its location
 * injectable, so tests use temporary directories and fakes.
 */
package dev.trellis.desktop.platform;
