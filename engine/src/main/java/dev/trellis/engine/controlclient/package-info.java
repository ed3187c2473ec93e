/**
 * The node's side of the control protocol: the connection to the coordinator, registration,
 * and the map stream turned into {@link dev.trellis.engine.controlclient.NetMap} snapshots.
 * Used by the daemon; depends on protocol only.
 */
package dev.trellis.engine.controlclient;
