package dev.trellis.coordinator.policy;

import dev.trellis.protocol.net.IpLiterals;
import dev.trellis.protocol.net.IpPrefix;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * A node as a policy question sees it: who owns it, or its tags, and its addresses. A tagged node
 * is identified by its tags only, so a subject has a user or tags, never both; a subject with
 * neither is a bare address.
 *
 * @param userLogin the owner's login name; null if tagged (or a bare address)
 * @param tags e.g. {@code tag:server}
 * @param addresses the node's tunnel addresses, matched against IP and host selectors
 */
public record Subject(String userLogin, List<String> tags, List<InetAddress> addresses) {
    public Subject {
        tags = tags == null ? List.of() : List.copyOf(tags);
        addresses = addresses == null ? List.of() : List.copyOf(addresses);
        if (userLogin != null && !tags.isEmpty()) {
            throw new IllegalArgumentException("a tagged node is identified by its tags only: give a user or tags, "
                    + "not both");
        }
    }

    public static Subject user(String login) {
        return new Subject(Objects.requireNonNull(login), List.of(), List.of());
    }

    public static Subject tagged(String... tags) {
        return new Subject(null, List.of(tags), List.of());
    }

    /** This subject with {@code more} addresses. */
    public Subject withAddresses(InetAddress... more) {
        List<InetAddress> all = new java.util.ArrayList<>(addresses);
        all.addAll(List.of(more));
        return new Subject(userLogin, tags, all);
    }

    /**
     * The one node {@code selectorText} names under policy {@code p} (null = no policy): a user
     * login ({@code alice@example.com}, {@code alice}, {@code alice@}) is an untagged node of that
     * user, {@code tag:x} a node with that tag, an IP or host alias a node with that address.
     * Groups, {@code *} and autogroups name many nodes and are refused.
     */
    public static Subject parse(String selectorText, Policy p) throws PolicyException {
        String text = selectorText.strip();
        try {
            if (p == null && text.startsWith("tag:")) { // without a policy no tag is defined, and any may be named
                if (!Definitions.TAG.matcher(text).matches()) {
                    throw new IllegalArgumentException("'" + text + "' is not a valid tag");
                }
                return tagged(text);
            }
            return (p == null ? Definitions.NONE : p.definitions()).subject(text);
        } catch (IllegalArgumentException e) {
            throw new PolicyException(e.getMessage());
        }
    }

    Identity identity() {
        List<IpPrefix> hosts = addresses.stream().map(IpPrefix::host).toList();
        return new Identity(userLogin, tags, hosts, hosts);
    }

    /** How the subject reads in messages: its user, its tags, or its addresses. */
    @Override
    public String toString() {
        if (userLogin != null) {
            return userLogin;
        }
        if (!tags.isEmpty()) {
            return String.join(",", tags);
        }
        if (addresses.isEmpty()) {
            return "(nobody)";
        }
        return String.join(",", addresses.stream().map(a -> IpLiterals.format(a.getAddress())).toList());
    }
}
