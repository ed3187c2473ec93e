package dev.trellis.coordinator.policy;

import dev.trellis.protocol.net.IpPrefix;
import java.util.List;

/**
 * Who a node (or a {@link Subject}) is, as selectors see it. Immutable; the address bytes are
 * unpacked once because selectors test them for every rule.
 */
final class Identity {
    private final String login;
    private final List<String> tags;
    private final List<IpPrefix> addresses;
    private final List<IpPrefix> reach;
    private final byte[][] addressBytes;

    /**
     * @param login the owner's login name, or null for a tagged node or a bare address; a node
     *     whose owner's login is not known yet carries a placeholder that no selector can name
     * @param tags the node's tags; non-empty means the node is identified by its tags only
     * @param addresses the node's own addresses, which source selectors are matched against
     * @param reach what traffic to the node may be addressed to: its addresses plus any routes it
     *     serves, which destination prefixes are matched against by overlap
     */
    Identity(String login, List<String> tags, List<IpPrefix> addresses, List<IpPrefix> reach) {
        this.login = login;
        this.tags = List.copyOf(tags);
        this.addresses = List.copyOf(addresses);
        this.reach = List.copyOf(reach);
        this.addressBytes = this.addresses.stream().map(IpPrefix::address).toArray(byte[][]::new);
    }

    String login() {
        return login;
    }

    List<String> tags() {
        return tags;
    }

    boolean tagged() {
        return !tags.isEmpty();
    }

    /** Owned by a user (autogroup:member): not tagged, and not a bare address. */
    boolean member() {
        return login != null && tags.isEmpty();
    }

    /** Whether one of the node's own addresses (not a wider prefix of them) lies in {@code p}. */
    boolean hasAddressIn(IpPrefix p) {
        for (int i = 0; i < addressBytes.length; i++) {
            if (addresses.get(i).bits() >= p.bits() && p.contains(addressBytes[i])) {
                return true;
            }
        }
        return false;
    }

    /** Whether traffic to {@code p} could be for this node: {@code p} overlaps what it can be reached at. */
    boolean reachableIn(IpPrefix p) {
        for (IpPrefix r : reach) {
            if (r.isIpv4() == p.isIpv4() && (p.bits() <= r.bits() ? p.contains(r.address()) : r.contains(p.address()))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "Identity[login=" + login + ", tags=" + tags + ", addresses=" + addresses + ", reach=" + reach + "]";
    }
}
