package dev.trellis.engine.natlab;

/**
 * What a machine does with packets besides plain routing: a NAT, a firewall. Each method returns
 * the packet to go on with (possibly rewritten) or null to drop it. Handlers are only ever called
 * with the simulation's lock held, one packet at a time, so they need no locks of their own.
 */
public interface PacketHandler {

    /**
     * A packet that arrived on {@code in} addressed to one of this machine's addresses. If the
     * returned packet is addressed elsewhere (a NAT rewrote it), the machine routes it on
     * without calling {@link #handleForward}.
     */
    default Packet handleIn(Packet p, Interface in) {
        return p;
    }

    /** A packet one of this machine's own sockets sends out of {@code out}. */
    default Packet handleOut(Packet p, Interface out) {
        return p;
    }

    /** A packet passing through a forwarding machine from {@code in} to {@code out}. */
    default Packet handleForward(Packet p, Interface in, Interface out) {
        return p;
    }
}
