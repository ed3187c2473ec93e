package dev.trellis.engine.portmap;

import java.net.InetAddress;

/** What a gateway answered to one PCP or NAT-PMP request, once the reply passed every check. */
sealed interface Reply {
    /** NAT-PMP's answer to "what is your external address" (opcode 0). */
    record External(InetAddress address) implements Reply {}

    /**
     * A mapping was granted. {@code externalAddress} is null for NAT-PMP, whose mapping replies do
     * not carry it (it comes from a separate {@link External} exchange).
     */
    record Mapped(int internalPort, int externalPort, long lifetimeSeconds, InetAddress externalAddress)
            implements Reply {}

    /** The gateway refused: its result code and what the RFC says the code means. */
    record Refused(int code, String meaning) implements Reply {}

    /** The gateway does not speak the version asked (a NAT-PMP-only gateway asked with PCP). */
    record UnsupportedVersion() implements Reply {}

    /** A datagram that is no valid answer to the request; counted, then waited past. */
    final class BadReply extends Exception {
        BadReply(String message) {
            super(message, null, false, false);
        }
    }
}
