/**
 * Disco, the discovery messages (Ping, Pong, CallMeMaybe) with which nodes find direct UDP paths
 * to each other, sealed with NaCl {@code crypto_box}; the engine's path finder and the relay may
 * depend on this package.
 */
package dev.trellis.protocol.disco;
