/**
 * The control protocol's messages, shared by the coordinator and the node's control client:
 * registration, map streams with deltas, and their JSON codec. Any module may depend on it;
 * it depends only on protocol's keys, net and json packages. See docs/control-protocol.md.
 */
package dev.trellis.protocol.control;
