package dev.trellis.coordinator.policy;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * IP protocols by name or IANA number. A rule without {@code proto} allows the default set: TCP,
 * UDP, ICMP and ICMPv6, which a {@link dev.trellis.protocol.control.FilterRule} writes as an
 * empty list. Only TCP, UDP and SCTP have ports; for the others a rule's ports must be
 * {@code *}, and a port given when evaluating is ignored.
 */
final class Protocols {
    static final int ICMP = 1;
    static final int TCP = 6;
    static final int UDP = 17;
    static final int ICMPV6 = 58;
    static final int SCTP = 132;

    static final List<Integer> DEFAULT = List.of(TCP, UDP, ICMP, ICMPV6);

    /** "icmp" means both ICMP versions, as in headscale: a rule rarely means one IP family only. */
    private static final Map<String, List<Integer>> NAMES = Map.ofEntries(
            Map.entry("tcp", List.of(TCP)),
            Map.entry("udp", List.of(UDP)),
            Map.entry("icmp", List.of(ICMP, ICMPV6)),
            Map.entry("ipv6-icmp", List.of(ICMPV6)),
            Map.entry("icmpv6", List.of(ICMPV6)),
            Map.entry("sctp", List.of(SCTP)),
            Map.entry("igmp", List.of(2)),
            Map.entry("gre", List.of(47)),
            Map.entry("esp", List.of(50)),
            Map.entry("ah", List.of(51)));

    private Protocols() {}

    /** The numbers {@code text} names; throws IllegalArgumentException with a message for the user. */
    static List<Integer> parse(String text) {
        List<Integer> named = NAMES.get(text.toLowerCase(Locale.ROOT));
        if (named != null) {
            return named;
        }
        if (!text.isEmpty() && text.length() <= 3 && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            int n = Integer.parseInt(text);
            if (n <= 255) {
                return List.of(n);
            }
        }
        throw new IllegalArgumentException("unknown proto '" + text + "': use tcp, udp, icmp, ipv6-icmp, sctp, "
                + "igmp, gre, esp, ah, or an IANA protocol number 0-255");
    }

    static boolean hasPorts(int proto) {
        return proto == TCP || proto == UDP || proto == SCTP;
    }

    /** Whether a rule with {@code protos} (empty = default set) allows {@code proto}. */
    static boolean allows(List<Integer> protos, int proto) {
        return (protos.isEmpty() ? DEFAULT : protos).contains(proto);
    }

    static String name(int proto) {
        return switch (proto) {
            case ICMP -> "icmp";
            case TCP -> "tcp";
            case UDP -> "udp";
            case ICMPV6 -> "ipv6-icmp";
            case SCTP -> "sctp";
            default -> Integer.toString(proto);
        };
    }
}
