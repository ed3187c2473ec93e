/**
 * The node's paths to its peers: one UDP socket for WireGuard and discovery, relay connections
 * for what UDP cannot reach, and the disco state machine that starts every conversation through
 * a relay and moves it to a direct path once a ping gets its pong. The daemon wires it as the
 * WireGuard device's {@link dev.trellis.engine.conn.Bind}; nothing else in the engine depends on it.
 */
package dev.trellis.engine.paths;
