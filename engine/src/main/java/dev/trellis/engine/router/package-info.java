/**
 * The node's addresses and routes on its TUN interface, applied as snapshots through
 * native-tun's InterfaceConfigurator. Used by the daemon.
 */
package dev.trellis.engine.router;
