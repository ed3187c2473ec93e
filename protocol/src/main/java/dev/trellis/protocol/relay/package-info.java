/**
 * The relay protocol that Trellis nodes and relays speak (frames, their codec, the proof of key
 * possession, and the client); the relay server and the node's engine may depend on it, and it
 * depends only on Trellis's key, crypto and http packages.
 */
package dev.trellis.protocol.relay;
