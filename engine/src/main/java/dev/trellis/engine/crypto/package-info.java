/**
 * The data plane's own cryptography on top of {@code dev.trellis.protocol.crypto}: the packet
 * AEAD (JDK or allocation-free), XChaCha20-Poly1305 for cookies and TAI64N timestamps; every
 * engine package may depend on it.
 */
package dev.trellis.engine.crypto;
