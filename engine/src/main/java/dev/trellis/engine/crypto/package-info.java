/**
 * WireGuard's cryptographic primitives (X25519, ChaCha20-Poly1305, XChaCha20-Poly1305, BLAKE2s,
 * HMAC-BLAKE2s, the Noise KDF and TAI64N timestamps); every engine package may depend on it, and
 * it depends on nothing in Trellis.
 */
package dev.trellis.engine.crypto;
