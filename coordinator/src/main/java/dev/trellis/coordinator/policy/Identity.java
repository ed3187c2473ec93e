package dev.trellis.coordinator.policy;

import dev.trellis.protocol.net.IpPrefix;
import java.util.List;

/**
 * Who a node (or a {@link Subject}) is, as selectors see it.
 *
 * @param login the owner's login name, or null for a tagged node or a bare address; a node whose
 *     owner's login is not known yet carries a placeholder that no selector can name
 * @param tags the node's tags; non-empty means the node is identified by its tags only
 * @param addresses the node's own addresses, which source selectors are matched against
 * @param reach what traffic to the node may be addressed to: its addresses plus any routes it
 *     serves, which destination prefixes are matched against by overlap
 */
record Identity(String login, List<String> tags, List<IpPrefix> addresses, List<IpPrefix> reach) {
    Identity {
        tags = List.copyOf(tags);
        addresses = List.copyOf(addresses);
        reach = List.copyOf(reach);
    }

    boolean tagged() {
        return !tags.isEmpty();
    }

    /** Owned by a user (autogroup:member): not tagged, and not a bare address. */
    boolean member() {
        return login != null && tags.isEmpty();
    }

    static boolean overlaps(IpPrefix a, IpPrefix b) {
        if (a.isIpv4() != b.isIpv4()) {
            return false;
        }
        return a.bits() <= b.bits() ? a.contains(b.address()) : b.contains(a.address());
    }
}
