package dev.trellis.coordinator.policy;

import dev.trellis.protocol.net.IpLiterals;
import dev.trellis.protocol.net.IpPrefix;
import java.util.Set;

/**
 * One compiled source or destination selector (the part of a dst entry before the port). Equal
 * selectors are equal values, so a policy's distinct selectors are evaluated once per node.
 */
sealed interface Selector {
    /** Whether a node or subject with identity {@code who} is selected as a source. */
    boolean matchesSrc(Identity who);

    /**
     * Whether {@code who} is selected as a destination; only prefixes differ from sources, in
     * that they match routes a node serves, not just its own addresses. Never called for
     * {@link Self}, which depends on the source too.
     */
    default boolean matchesDst(Identity who) {
        return matchesSrc(who);
    }

    /** Whether nodes are selected by address (a prefix) rather than by who they are. */
    default boolean byAddress() {
        return false;
    }

    /** {@code *}: every node, and any source address at all. */
    record Any() implements Selector {
        @Override
        public boolean matchesSrc(Identity who) {
            return true;
        }
    }

    record User(String login) implements Selector {
        @Override
        public boolean matchesSrc(Identity who) {
            return who.member() && who.login().equals(login);
        }
    }

    record Group(String name, Set<String> members) implements Selector {
        @Override
        public boolean matchesSrc(Identity who) {
            return who.member() && members.contains(who.login());
        }
    }

    record Tag(String tag) implements Selector {
        @Override
        public boolean matchesSrc(Identity who) {
            return who.tags().contains(tag);
        }
    }

    /** autogroup:member: every node owned by a user, i.e. untagged. */
    record Member() implements Selector {
        @Override
        public boolean matchesSrc(Identity who) {
            return who.member();
        }
    }

    /** autogroup:tagged: every tagged node. */
    record Tagged() implements Selector {
        @Override
        public boolean matchesSrc(Identity who) {
            return who.tagged();
        }
    }

    /** autogroup:self (destinations only): the untagged nodes of the source's own user. */
    record Self() implements Selector {
        @Override
        public boolean matchesSrc(Identity who) {
            throw new IllegalStateException("autogroup:self is never a source");
        }

        static boolean matches(Identity src, Identity dst) {
            return src.member() && dst.member() && src.login().equals(dst.login());
        }
    }

    /**
     * An IP prefix: a literal address or CIDR, or a host alias ({@code alias} non-null).
     * Sources match by containment of a node address; destinations by overlap with what the
     * node can be reached at.
     */
    record Prefix(IpPrefix prefix, String alias) implements Selector {
        @Override
        public boolean matchesSrc(Identity who) {
            return who.hasAddressIn(prefix);
        }

        @Override
        public boolean matchesDst(Identity who) {
            return who.reachableIn(prefix);
        }

        @Override
        public boolean byAddress() {
            return true;
        }

        /** The prefix as packet filters write it: a single host without its /32 or /128. */
        String filterText() {
            return text(prefix);
        }

        static String text(IpPrefix p) {
            byte[] raw = p.address();
            return p.bits() == raw.length * 8 ? IpLiterals.format(raw) : p.toString();
        }
    }
}
