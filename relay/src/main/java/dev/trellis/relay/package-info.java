/**
 * The relay server ({@code trellis-relay}): forwards nodes' encrypted packets by destination key,
 * meshes with the other relays of its region, and keeps state only in memory. Only its command
 * line depends on it; it depends on protocol, never on engine.
 */
package dev.trellis.relay;
