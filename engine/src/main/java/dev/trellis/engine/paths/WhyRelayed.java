package dev.trellis.engine.paths;

import dev.trellis.protocol.control.NetInfo;

/**
 * Says in words why a peer is reached through a relay, from what both sides' netchecks found
 * and what discovery saw. The most specific cause wins: blocked UDP, then two hard NATs, then
 * one hard NAT, then unanswered pings.
 */
final class WhyRelayed {
    private WhyRelayed() {}

    static String explain(SelfNetwork self, PeerInfo peer, boolean discoKnown, boolean active, int candidates,
            long unanswered) {
        NetInfo theirs = peer == null ? null : peer.netInfo();
        if (Boolean.FALSE.equals(self.udp())) {
            return "UDP is blocked on this node's network, so everything goes through the relay (over TCP)";
        }
        if (theirs != null && Boolean.FALSE.equals(theirs.workingUdp())) {
            return "UDP is blocked on the peer's network, so it can only be reached through the relay";
        }
        if (!discoKnown) {
            return "the peer has announced no disco key (an older or relay-only node), so no direct path is tried";
        }
        boolean mine = Boolean.TRUE.equals(self.mappingVariesByDestIp());
        boolean peers = theirs != null && Boolean.TRUE.equals(theirs.mappingVariesByDestIp());
        if (mine && peers) {
            return "both nodes are behind NATs whose mapping varies by destination (\"hard\" NATs); "
                    + "hole punching cannot work between them";
        }
        if (!active) {
            return "no traffic yet: a direct path is looked for when traffic flows";
        }
        if (candidates == 0) {
            return "the peer announced no endpoints to try";
        }
        if (mine || peers) {
            return (mine ? "this node's" : "the peer's") + " NAT maps by destination (a \"hard\" NAT)"
                    + (unanswered > 0 ? " and " + unanswered + " direct pings got no answer" : "")
                    + "; a direct path needs the other side to be reachable without a NAT";
        }
        if (unanswered > 0) {
            return unanswered + " direct pings to " + candidates + " addresses got no answer: a firewall between "
                    + "the nodes may drop UDP";
        }
        return "looking for a direct path (pings to " + candidates + " addresses sent, no answer yet)";
    }
}
