/**
 * trellisd, the node daemon: the composition root that wires the TUN device, the WireGuard
 * engine, the control client and the LocalAPI. Nothing depends on it but launchers.
 */
package dev.trellis.daemon;
