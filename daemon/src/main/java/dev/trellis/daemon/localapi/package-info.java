/**
 * The daemon's LocalAPI over a Unix socket (Tailscale's paths and JSON), for the CLI and the
 * desktop app; restricted to root and one group. Depends on the backend.
 */
package dev.trellis.daemon.localapi;
