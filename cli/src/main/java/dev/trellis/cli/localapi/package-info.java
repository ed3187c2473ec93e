/**
 * The CLI's seam to trellisd: the {@link dev.trellis.cli.localapi.LocalApi} interface, its typed
 * failures, and an implementation over the shared {@code Http1Client} on the daemon's Unix
 * socket. Only the {@code dev.trellis.cli} packages depend on it.
 */
package dev.trellis.cli.localapi;
