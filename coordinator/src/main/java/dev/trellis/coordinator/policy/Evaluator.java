package dev.trellis.coordinator.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * The policy's meaning, evaluated directly over its rules for one pair of subjects: what
 * {@link Policy#allows}, {@link Policy#explain} and the policy's tests use. {@link PolicyState}
 * computes the same answers incrementally for the live node set.
 *
 * <p>A connection from {@code src} to {@code dst} with protocol P and port N is allowed when some
 * rule has a src entry selecting {@code src}, allows P (no proto = TCP, UDP, ICMP, ICMPv6), and
 * has a dst entry selecting {@code dst} whose ports hold N. Ports only count for TCP, UDP and
 * SCTP; other protocols ignore them, as Tailscale's packet filter does.
 */
final class Evaluator {
    private static final int MAX_REASONS = 5;

    private Evaluator() {}

    static boolean allows(List<Rule> rules, Identity src, Identity dst, int proto, int port) {
        for (Rule r : rules) {
            if (Protocols.allows(r.protos(), proto) && srcHit(r, src) != null && reaches(r, src, dst, proto, port)) {
                return true;
            }
        }
        return false;
    }

    static Explanation explain(List<Rule> rules, Subject src, Subject dst, OptionalInt port, OptionalInt proto) {
        Identity s = src.identity();
        Identity d = dst.identity();
        List<Explanation.Match> matches = new ArrayList<>();
        // Near misses by how near: 0 = only port or proto wrong, 1 = src wrong, 2 = dst wrong.
        List<List<String>> near = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        boolean anySrc = false;
        for (Rule r : rules) {
            Rule.Src sh = srcHit(r, s);
            anySrc |= sh != null;
            boolean protoOk = proto.isEmpty() || Protocols.allows(r.protos(), proto.getAsInt());
            List<Rule.Dst> targets = dstHits(r, s, d, OptionalInt.empty(), OptionalInt.empty());
            List<Rule.Dst> full = dstHits(r, s, d, port, proto);
            if (sh != null && protoOk && !full.isEmpty()) {
                Rule.Dst dh = full.getFirst();
                matches.add(new Explanation.Match(r.index(), r.line(), sh.text(), dh.text(), Ports.text(dh.ports()),
                        r.proto()));
            } else if (sh != null && !targets.isEmpty()) {
                near.get(0).add(r.where() + " allows " + r.summary() + ", but "
                        + (protoOk ? "port " + port.orElse(-1) + " is not in " + portsOf(targets)
                                : "proto " + Protocols.name(proto.getAsInt()) + " is not allowed by it"));
            } else if (sh == null && !targets.isEmpty() && protoOk && !full.isEmpty()) {
                near.get(1).add(r.where() + " allows " + r.summary() + ", but src " + src + " " + whySrc(r, s));
            } else if (sh != null && protoOk) {
                near.get(2).add(r.where() + " allows " + r.summary() + ", but dst " + dst + " " + whyDst(r, s, d));
            }
        }
        if (!matches.isEmpty()) {
            return new Explanation(true, matches, List.of());
        }
        List<String> reasons = new ArrayList<>();
        int total = near.stream().mapToInt(List::size).sum();
        for (List<String> tier : near) {
            for (String reason : tier) {
                if (reasons.size() < MAX_REASONS) {
                    reasons.add(reason);
                }
            }
        }
        if (total > reasons.size()) {
            reasons.add("(and " + (total - reasons.size()) + " more near misses)");
        }
        if (reasons.isEmpty()) {
            reasons.add(rules.isEmpty() ? "the policy has no rules, so everything is denied"
                    : anySrc ? "no rule with " + src + " among its sources reaches " + dst
                            + (proto.isPresent() ? " with proto " + Protocols.name(proto.getAsInt()) : "")
                    : "no rule has " + src + " among its sources");
        }
        return new Explanation(false, List.of(), reasons);
    }

    static Rule.Src srcHit(Rule r, Identity src) {
        for (Rule.Src s : r.src()) {
            if (s.selector().matchesSrc(src)) {
                return s;
            }
        }
        return null;
    }

    /** {@link #dstHits} for one connection, without allocating: the hot path of policy tests. */
    private static boolean reaches(Rule r, Identity src, Identity dst, int proto, int port) {
        boolean portsCount = Protocols.hasPorts(proto);
        for (Rule.Dst d : r.dst()) {
            boolean selected = d.selector() instanceof Selector.Self ? Selector.Self.matches(src, dst)
                    : d.selector().matchesDst(dst);
            if (selected && (!portsCount || Ports.contains(d.ports(), port))) {
                return true;
            }
        }
        return false;
    }

    /** The dst entries selecting {@code dst} (from {@code src}) that allow {@code port} under {@code proto}. */
    private static List<Rule.Dst> dstHits(Rule r, Identity src, Identity dst, OptionalInt port, OptionalInt proto) {
        List<Rule.Dst> out = new ArrayList<>(1);
        boolean portsCount = port.isPresent() && (proto.isEmpty() || Protocols.hasPorts(proto.getAsInt()));
        for (Rule.Dst d : r.dst()) {
            boolean selected = d.selector() instanceof Selector.Self ? Selector.Self.matches(src, dst)
                    : d.selector().matchesDst(dst);
            if (selected && (!portsCount || Ports.contains(d.ports(), port.getAsInt()))) {
                out.add(d);
            }
        }
        return out;
    }

    private static String portsOf(List<Rule.Dst> targets) {
        StringBuilder sb = new StringBuilder();
        for (Rule.Dst d : targets) {
            sb.append(sb.isEmpty() ? "" : ", ").append(d.text());
        }
        return sb.toString();
    }

    private static String whySrc(Rule r, Identity src) {
        if (r.src().size() > 1) {
            return "matches none of its sources";
        }
        return why(r.src().getFirst().selector(), r.src().getFirst().text(), src);
    }

    private static String whyDst(Rule r, Identity src, Identity dst) {
        if (r.dst().size() > 1) {
            return "matches none of its destinations";
        }
        Rule.Dst d = r.dst().getFirst();
        if (d.selector() instanceof Selector.Self) {
            return "is not one of " + src.login() + "'s own untagged nodes (autogroup:self)";
        }
        return why(d.selector(), d.target(), dst);
    }

    private static String why(Selector s, String text, Identity who) {
        return switch (s) {
            case Selector.Group g -> "is not in " + text;
            case Selector.Tag t -> "is not tagged " + text;
            case Selector.User u -> "is not " + (who != null && who.tagged() ? "a user's node (it is tagged)" : text);
            case Selector.Member m -> "is tagged, not a user's node (autogroup:member)";
            case Selector.Tagged t -> "is not tagged (autogroup:tagged)";
            case Selector.Prefix p -> "has no address in " + text
                    + (p.alias() == null ? "" : " (" + Selector.Prefix.text(p.prefix()) + ")");
            default -> "is not " + text;
        };
    }
}
