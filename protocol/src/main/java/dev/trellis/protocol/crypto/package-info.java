/**
 * The primitives that both WireGuard and the control channel's Noise IK are built from (X25519,
 * ChaCha20-Poly1305, BLAKE2s with its HMAC and the Noise KDF); every module may depend on it, and
 * it depends on nothing in Trellis.
 */
package dev.trellis.protocol.crypto;
