/**
 * The coordinator's control front end: the key endpoint and the Noise-encrypted control
 * connections nodes hold (docs/control-protocol.md). Depends on tailnet and netmap.
 */
package dev.trellis.coordinator.control;
