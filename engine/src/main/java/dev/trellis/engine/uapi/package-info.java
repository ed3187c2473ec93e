/**
 * WireGuard's cross-platform userspace API (UAPI) over a Unix socket, so that {@code wg} and other
 * WireGuard tools can read and configure a Trellis device; depends only on the device seam in
 * {@code engine.wg}, and only the node's composition root should depend on it.
 */
package dev.trellis.engine.uapi;
