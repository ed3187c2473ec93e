/**
 * Port mapping: asks the node's default gateway, over PCP (RFC 6887) or NAT-PMP (RFC 6886), for a
 * public UDP port that forwards to the node's WireGuard socket, and keeps it alive, so that peers
 * can reach the node directly even behind an endpoint-dependent NAT. Depends on the JDK only; the
 * daemon may depend on it.
 */
package dev.trellis.engine.portmap;
