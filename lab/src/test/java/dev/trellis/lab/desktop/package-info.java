/**
 * The desktop app ({@code bin/trellis-desktop}) end to end: on a private Xvfb display, against a
 * trellisd of a {@link dev.trellis.lab.mesh.Mesh}, logging in through a browser at a real OpenID
 * provider, read back through the app's {@code --state-file}. Tests only; nothing depends on it.
 */
package dev.trellis.lab.desktop;
