/**
 * The node's stateful packet filter: the coordinator's {@code FilterRule}s compiled into a
 * {@link dev.trellis.engine.filter.PacketFilter} that judges packets arriving from peers, with a
 * {@link dev.trellis.engine.filter.FlowTable} that lets replies to this node's own flows in.
 * Used by the TUN wrapper ({@code dev.trellis.engine.tun}) and the daemon; depends on protocol
 * only.
 */
package dev.trellis.engine.filter;
