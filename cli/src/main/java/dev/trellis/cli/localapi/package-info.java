/**
 * The CLI's seam to trellisd: the {@link dev.trellis.cli.localapi.LocalApi} interface, its typed
 * failures, and an implementation over a minimal HTTP/1.1 client on the daemon's Unix socket
 * (to be replaced by the shared {@code Http1Client}). Only the {@code dev.trellis.cli} packages
 * depend on it.
 */
package dev.trellis.cli.localapi;
