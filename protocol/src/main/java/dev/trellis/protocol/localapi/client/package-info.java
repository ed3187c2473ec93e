/**
 * The clients' seam to trellisd: the {@link dev.trellis.protocol.localapi.client.LocalApi}
 * interface, its typed failures, and an implementation over the shared {@code Http1Client} on the
 * daemon's Unix socket. The CLI and the desktop app both use it; the daemon never does.
 */
package dev.trellis.protocol.localapi.client;
