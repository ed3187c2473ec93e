/**
 * STUN (RFC 8489) Binding only: the request a node sends to learn its public address, the
 * response, a tiny server for the relay and a one-shot client for netcheck; the engine, the relay
 * and the lab may depend on this package.
 */
package dev.trellis.protocol.stun;
