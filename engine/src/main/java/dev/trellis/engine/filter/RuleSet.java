package dev.trellis.engine.filter;

import dev.trellis.protocol.control.FilterRule;
import dev.trellis.protocol.net.IpPrefix;
import java.util.List;

/**
 * The coordinator's rules compiled for matching: per rule a protocol bitmap, a source
 * {@link PrefixList} and a destination one with port ranges. Immutable. First match wins; the
 * index of the matching rule is what the counters are kept by.
 */
final class RuleSet {
    /** The protocols of a rule whose IPProto is empty: TCP, UDP, ICMP and ICMPv6. */
    static final int[] DEFAULT_PROTOCOLS = {Packet.TCP, Packet.UDP, Packet.ICMP, Packet.ICMPV6};

    private record Rule(long[] protocols, PrefixList sources, PrefixList destinations) {
        boolean allows(int proto) {
            return (protocols[proto >>> 6] >>> (proto & 63) & 1) != 0;
        }
    }

    private final Rule[] rules;
    /** The non-wildcard destinations of all rules: addresses this node answers for. */
    private final PrefixList explicitDestinations;

    private RuleSet(Rule[] rules, PrefixList explicitDestinations) {
        this.rules = rules;
        this.explicitDestinations = explicitDestinations;
    }

    int size() {
        return rules.length;
    }

    PrefixList explicitDestinations() {
        return explicitDestinations;
    }

    /**
     * Compiles the rules. Throws {@link IllegalArgumentException} naming the rule and the value
     * when an address, prefix, port range or protocol number is invalid.
     */
    static RuleSet compile(List<FilterRule> filterRules) {
        Rule[] rules = new Rule[filterRules.size()];
        PrefixList.Builder explicit = new PrefixList.Builder();
        for (int i = 0; i < rules.length; i++) {
            FilterRule r = filterRules.get(i);
            if (r == null) {
                throw new IllegalArgumentException("filter rule " + i + " is null");
            }
            PrefixList.Builder src = new PrefixList.Builder();
            for (String s : r.srcIps()) {
                if (s != null && s.strip().equals("*")) {
                    src.addAny(0, 65535);
                } else {
                    src.add(prefix(i, "source", s));
                }
            }
            PrefixList.Builder dst = new PrefixList.Builder();
            for (FilterRule.PortRange pr : r.dstPorts()) {
                if (pr == null) {
                    throw new IllegalArgumentException("filter rule " + i + ": null destination");
                }
                if (pr.first() < 0 || pr.last() > 65535 || pr.first() > pr.last()) {
                    throw new IllegalArgumentException("filter rule " + i + ": port range "
                            + pr.first() + "-" + pr.last() + " is not within 0-65535 in order");
                }
                if (pr.ip() != null && pr.ip().strip().equals("*")) {
                    dst.addAny(pr.first(), pr.last());
                } else {
                    IpPrefix p = prefix(i, "destination", pr.ip());
                    dst.add(p, pr.first(), pr.last());
                    explicit.add(p);
                }
            }
            long[] protocols = new long[4];
            List<Integer> listed = r.ipProto();
            if (listed.isEmpty()) {
                for (int p : DEFAULT_PROTOCOLS) {
                    protocols[p >>> 6] |= 1L << (p & 63);
                }
            }
            for (Integer p : listed) {
                if (p == null || p < 0 || p > 255) {
                    throw new IllegalArgumentException("filter rule " + i + ": IP protocol " + p
                            + " is not a number 0-255");
                }
                protocols[p >>> 6] |= 1L << (p & 63);
            }
            rules[i] = new Rule(protocols, src.build(), dst.build());
        }
        return new RuleSet(rules, explicit.build());
    }

    private static IpPrefix prefix(int rule, String what, String text) {
        try {
            return IpPrefix.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("filter rule " + rule + ": invalid " + what + " '"
                    + text + "': " + e.getMessage(), e);
        }
    }

    /**
     * The index of the first rule that accepts the packet, or -1. TCP, UDP and SCTP match on
     * destination port; ICMP on addresses alone (a peer allowed any port may ping); other
     * protocols have no ports, so only a rule that allows every port admits them.
     */
    int match(Packet p) {
        PrefixList.Ports mode = p.hasPorts ? PrefixList.Ports.CHECK
                : p.icmp ? PrefixList.Ports.IGNORE : PrefixList.Ports.REQUIRE_ALL;
        int version = p.version;
        for (int i = 0; i < rules.length; i++) {
            Rule r = rules[i];
            if (r.allows(p.proto)
                    && r.sources.contains(version, p.srcHi, p.srcLo)
                    && r.destinations.matches(version, p.dstHi, p.dstLo, mode, p.dstPort)) {
                return i;
            }
        }
        return -1;
    }
}
