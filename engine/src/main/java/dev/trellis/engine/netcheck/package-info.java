/**
 * Netcheck: what the node's network allows (UDP at all, its public addresses, whether its NAT
 * maps per destination, the latency to each relay region and hence its home relay), measured
 * from the node's own UDP socket through {@link dev.trellis.engine.netcheck.StunPort}. Depends on
 * protocol only; the daemon and the engine's socket owner may depend on it.
 */
package dev.trellis.engine.netcheck;
