/**
 * The coordinator's live netmap: nodes in memory, the policy that decides who sees whom, and
 * one map stream per online node that gets the full map first and merged deltas after. Used
 * by the coordinator's control service; depends only on protocol.
 */
package dev.trellis.coordinator.netmap;
