package dev.trellis.coordinator.policy;

import dev.trellis.protocol.control.FilterRule.PortRange;
import dev.trellis.protocol.net.IpPrefix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
    final boolean[] anySource;
    final List<List<IpPrefix>> literalSources;
    final List<List<Integer>> protos;

    RuleIndex(List<Rule> rules) {
        ruleCount = rules.size();
        words = Math.max(1, (ruleCount + 63) / 64);
        Map<Selector, Integer> ids = new LinkedHashMap<>();
        List<List<Integer>> entriesBy = new ArrayList<>();
        List<Entry> flat = new ArrayList<>();
        List<Integer> self = new ArrayList<>();
        anySource = new boolean[ruleCount];
        List<List<IpPrefix>> literals = new ArrayList<>();
        List<List<Integer>> ps = new ArrayList<>();
        List<long[]> srcBy = new ArrayList<>();
        for (Rule r : rules) {
            List<IpPrefix> lit = new ArrayList<>();
            for (Rule.Src s : r.src()) {
                int id = id(ids, s.selector(), srcBy, entriesBy);
                srcBy.get(id)[r.index() >>> 6] |= 1L << r.index();
                anySource[r.index()] |= s.selector() instanceof Selector.Any;
                if (s.selector() instanceof Selector.Prefix p) {
                    lit.add(p.prefix());
                }
            }
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
            literals.add(List.copyOf(lit));
            ps.add(r.protos());
        }
        selectors = List.copyOf(ids.keySet());
        srcRulesBySelector = srcBy.toArray(long[][]::new);
        entriesBySelector = entriesBy.stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray())
                .toArray(int[][]::new);
        selfEntries = self.stream().mapToInt(Integer::intValue).toArray();
        entries = List.copyOf(flat);
        literalSources = List.copyOf(literals);
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

    static boolean intersects(long[] a, long[] b) {
        for (int i = 0; i < a.length; i++) {
            if ((a[i] & b[i]) != 0) {
                return true;
            }
        }
        return false;
    }
}
