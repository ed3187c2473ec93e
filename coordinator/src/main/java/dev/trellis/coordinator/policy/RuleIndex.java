package dev.trellis.coordinator.policy;

import dev.trellis.protocol.control.FilterRule.PortRange;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A policy's rules precompiled for evaluation over many nodes: each distinct selector once, the
 * rules that name it as a source as a bitset, and every dst entry flattened (in rule order) with
 * its packet filter port ranges built ahead. Evaluating a node is then O(selectors + entries)
 * and yields bitsets that make "may A reach B" a few long ANDs. Immutable.
 */
final class RuleIndex {
    /** One dst entry: {@code selector} indexes {@link #selectors}, or is -1 for autogroup:self. */
    record Entry(int rule, int selector, List<PortRange> ranges) {
        boolean self() {
            return selector < 0;
        }
    }

    /** Which rules and dst entries a node matches. */
    record NodeMatch(long[] src, long[] dst, long[] self, int[] entries) {}

    final int ruleCount;
    final int words;
    final List<Selector> selectors;
    private final long[][] srcRulesBySelector;
    private final int[][] entriesBySelector;
    private final int[] selfEntries;
    final List<Entry> entries;
    final List<List<Integer>> protos;
    /**
     * Rules with the same sources share a source group, whose members' addresses are aggregated
     * once for all of them: policies repeat sources (autogroup:member, a team's group) a lot.
     */
    final int[] groupOf;
    /** One rule of each source group: a node is a member when it is a source of that rule. */
    final int[] groupRule;
    final boolean[] groupAnySource;
    final List<List<PrefixSet.Item>> groupLiterals;

    RuleIndex(List<Rule> rules) {
        ruleCount = rules.size();
        words = Math.max(1, (ruleCount + 63) / 64);
        Map<Selector, Integer> ids = new LinkedHashMap<>();
        List<List<Integer>> entriesBy = new ArrayList<>();
        List<Entry> flat = new ArrayList<>();
        List<Integer> self = new ArrayList<>();
        List<List<Integer>> ps = new ArrayList<>();
        List<long[]> srcBy = new ArrayList<>();
        Map<Set<Selector>, Integer> groups = new HashMap<>();
        List<Integer> groupRules = new ArrayList<>();
        List<Boolean> groupAny = new ArrayList<>();
        List<List<PrefixSet.Item>> literals = new ArrayList<>();
        groupOf = new int[ruleCount];
        for (Rule r : rules) {
            List<PrefixSet.Item> lit = new ArrayList<>();
            Set<Selector> sources = new HashSet<>();
            boolean any = false;
            for (Rule.Src s : r.src()) {
                int id = id(ids, s.selector(), srcBy, entriesBy);
                srcBy.get(id)[r.index() >>> 6] |= 1L << r.index();
                sources.add(s.selector());
                any |= s.selector() instanceof Selector.Any;
                if (s.selector() instanceof Selector.Prefix p) {
                    lit.add(PrefixSet.Item.of(p.prefix()));
                }
            }
            Integer group = groups.get(sources);
            if (group == null) {
                group = groupRules.size();
                groups.put(Set.copyOf(sources), group);
                groupRules.add(r.index());
                groupAny.add(any);
                literals.add(List.copyOf(lit));
            }
            groupOf[r.index()] = group;
            for (Rule.Dst d : r.dst()) {
                int e = flat.size();
                if (d.selector() instanceof Selector.Self) {
                    flat.add(new Entry(r.index(), -1, ranges("*", d.ports())));
                    self.add(e);
                } else {
                    int id = id(ids, d.selector(), srcBy, entriesBy);
                    String ip = d.selector() instanceof Selector.Prefix p ? p.filterText() : "*";
                    flat.add(new Entry(r.index(), id, ranges(ip, d.ports())));
                    entriesBy.get(id).add(e);
                }
            }
            ps.add(r.protos());
        }
        groupRule = groupRules.stream().mapToInt(Integer::intValue).toArray();
        groupAnySource = new boolean[groupRule.length];
        for (int g = 0; g < groupRule.length; g++) {
            groupAnySource[g] = groupAny.get(g);
        }
        groupLiterals = List.copyOf(literals);
        selectors = List.copyOf(ids.keySet());
        srcRulesBySelector = srcBy.toArray(long[][]::new);
        entriesBySelector = entriesBy.stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray())
                .toArray(int[][]::new);
        selfEntries = self.stream().mapToInt(Integer::intValue).toArray();
        entries = List.copyOf(flat);
        protos = List.copyOf(ps);
    }

    private int id(Map<Selector, Integer> ids, Selector s, List<long[]> srcBy, List<List<Integer>> entriesBy) {
        Integer id = ids.get(s);
        if (id == null) {
            id = ids.size();
            ids.put(s, id);
            srcBy.add(new long[words]);
            entriesBy.add(new ArrayList<>());
        }
        return id;
    }

    private static List<PortRange> ranges(String ip, List<Ports.Span> spans) {
        return spans.stream().map(s -> new PortRange(ip, s.first(), s.last())).toList();
    }

    /** Evaluates every selector once against {@code who}. */
    NodeMatch evaluate(Identity who) {
        long[] src = new long[words];
        long[] dst = new long[words];
        long[] self = new long[words];
        int[] hits = new int[entries.size()];
        int n = 0;
        for (int s = 0; s < selectors.size(); s++) {
            Selector sel = selectors.get(s);
            if (sel.matchesSrc(who)) {
                long[] rules = srcRulesBySelector[s];
                for (int w = 0; w < words; w++) {
                    src[w] |= rules[w];
                }
            }
            if (entriesBySelector[s].length > 0 && sel.matchesDst(who)) {
                for (int e : entriesBySelector[s]) {
                    hits[n++] = e;
                    int r = entries.get(e).rule();
                    dst[r >>> 6] |= 1L << r;
                }
            }
        }
        if (who.member()) {
            for (int e : selfEntries) {
                hits[n++] = e;
                int r = entries.get(e).rule();
                self[r >>> 6] |= 1L << r;
            }
        }
        int[] matched = Arrays.copyOf(hits, n);
        Arrays.sort(matched);
        return new NodeMatch(src, dst, self, matched);
    }

    /** Whether some rule names autogroup:self (then a user's own nodes relate to each other). */
    boolean hasSelfRules() {
        return selfEntries.length > 0;
    }

    static boolean has(long[] bits, int rule) {
        return (bits[rule >>> 6] & (1L << rule)) != 0;
    }

    static boolean intersects(long[] a, long[] b) {
        for (int i = 0; i < a.length; i++) {
            if ((a[i] & b[i]) != 0) {
                return true;
            }
        }
        return false;
    }
}
