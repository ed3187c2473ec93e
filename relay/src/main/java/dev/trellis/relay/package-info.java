/**
 * The relay server ({@code trellis-relay}): forwards nodes' encrypted packets by destination key,
 * meshes with the other relays of its region, and keeps state only in memory. Its command line
 * and the coordinator (which can embed a {@link dev.trellis.relay.RelayService}) depend on it; it
 * depends on protocol, never on engine.
 */
package dev.trellis.relay;
