/**
 * The relay a coordinator can run in its own process for small installs ({@code serve
 * --embedded-relay}): the relay module's service on the coordinator's port, a STUN server, and
 * the relay map region that points nodes at them. Only the coordinator's composition root uses it.
 */
package dev.trellis.coordinator.relay;
