/**
 * The node's state machine: persisted state, the control client, the data plane and the
 * notification bus behind the LocalAPI. Depends on engine and daemon.state.
 */
package dev.trellis.daemon.backend;
