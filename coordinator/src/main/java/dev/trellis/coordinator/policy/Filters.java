package dev.trellis.coordinator.policy;

import dev.trellis.protocol.control.FilterRule;
import dev.trellis.protocol.control.FilterRule.PortRange;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The packet filters of a {@link PolicyState}: one per {@link FilterKey}, shared by every node
 * with that key, rebuilt lazily and only when a source list it uses really changed.
 *
 * <p>Invariant that makes this cheap: each source list (a source group's aggregated addresses,
 * or a user's own nodes for autogroup:self) is kept as one List instance for as long as its
 * content stays equal, and replaced when the content changes. So "did this filter change" is an
 * identity comparison of the source lists it was built from, and a rebuilt filter is known to
 * differ from the previous one without comparing them.
 */
final class Filters {
    /** What the filters need to know about the nodes. */
    interface Nodes {
        List<PrefixSet.Item> addresses(int slot);

        /** Adds the addresses of {@code user}'s untagged nodes that are sources of {@code rule}. */
        void selfSources(long user, int rule, List<PrefixSet.Item> out);

        /** The epoch at which one of {@code user}'s nodes last changed. */
        long userChangedAt(long user);
    }

    static final class Shared {
        final FilterKey key;
        int refs;
        long checkedAt = -1;
        List<FilterRule> rules;
        private List<?>[] used;

        Shared(FilterKey key) {
            this.key = key;
        }
    }

    private static final List<String> ANY_SOURCE = List.of("*");

    private final RuleIndex index;
    private final Nodes nodes;
    private final BitSet[] members; // per source group, by node slot
    private final long[] changedAt;
    private final List<?>[] sources;
    private final boolean[] current;
    private final Map<FilterKey, Shared> shared = new HashMap<>();
    private final Map<Long, Map<Integer, SelfSource>> self = new HashMap<>();

    /** A user's autogroup:self source list for one source group, as of epoch {@code at}. */
    private static final class SelfSource {
        long at = -1;
        List<String> list;
    }

    Filters(RuleIndex index, Nodes nodes) {
        this.index = index;
        this.nodes = nodes;
        int n = index.groupRule.length;
        members = new BitSet[n];
        for (int i = 0; i < n; i++) {
            members[i] = new BitSet();
        }
        changedAt = new long[n];
        sources = new List<?>[n];
        current = new boolean[n];
    }

    /** Node {@code slot} joined or left source group {@code group}, or changed its addresses in it. */
    void member(int group, int slot, boolean member, long epoch) {
        members[group].set(slot, member);
        if (!index.groupAnySource[group]) { // a "*" source is "*" whoever comes and goes
            changedAt[group] = epoch;
            current[group] = false;
        }
    }

    Shared acquire(FilterKey key) {
        Shared s = shared.computeIfAbsent(key, Shared::new);
        s.refs++;
        return s;
    }

    void release(Shared s) {
        if (--s.refs == 0) {
            shared.remove(s.key);
        }
    }

    void forgetUser(long user) {
        self.remove(user);
    }

    /** The filter of {@code s} as of {@code epoch}: the same instance unless its content changed. */
    List<FilterRule> current(Shared s, long epoch) {
        if (s.checkedAt >= epoch) {
            return s.rules;
        }
        if (s.rules == null || changedSince(s.key, s.checkedAt)) {
            List<?>[] now = inputs(s.key);
            if (s.rules == null || !sameInstances(now, s.used)) {
                s.rules = build(s.key);
                s.used = now;
            }
        }
        s.checkedAt = epoch;
        return s.rules;
    }

    private boolean changedSince(FilterKey key, long since) {
        for (int g : key.groups) {
            if (changedAt[g] > since) {
                return true;
            }
        }
        return key.self && nodes.userChangedAt(key.user) > since;
    }

    private List<?>[] inputs(FilterKey key) {
        List<?>[] out = new List<?>[key.groups.length + key.selfGroups.length];
        for (int i = 0; i < key.groups.length; i++) {
            out[i] = sources(key.groups[i]);
        }
        for (int i = 0; i < key.selfGroups.length; i++) {
            out[key.groups.length + i] = selfSources(key.user, key.selfGroups[i]);
        }
        return out;
    }

    private static boolean sameInstances(List<?>[] a, List<?>[] b) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * One rule per acl rule the node matches (two if it also matches through autogroup:self), in
     * policy order; rules with the same source list and protocols merge into the first.
     */
    private List<FilterRule> build(FilterKey key) {
        Merger merger = new Merger();
        int i = 0;
        while (i < key.entries.length) {
            int rule = index.entries.get(key.entries[i]).rule();
            Set<PortRange> ranges = new LinkedHashSet<>();
            Set<PortRange> selfRanges = new LinkedHashSet<>();
            for (; i < key.entries.length && index.entries.get(key.entries[i]).rule() == rule; i++) {
                RuleIndex.Entry e = index.entries.get(key.entries[i]);
                (e.self() ? selfRanges : ranges).addAll(e.ranges());
            }
            List<Integer> protos = index.protos.get(rule);
            if (!ranges.isEmpty()) {
                merger.add(sources(index.groupOf[rule]), ranges, protos);
            }
            if (!selfRanges.isEmpty()) {
                merger.add(selfSources(key.user, index.groupOf[rule]), selfRanges, protos);
            }
        }
        return merger.rules();
    }

    /** A source group's sources: "*", or its members' addresses and its literal prefixes, aggregated. */
    @SuppressWarnings("unchecked")
    private List<String> sources(int group) {
        if (index.groupAnySource[group]) {
            return ANY_SOURCE;
        }
        if (!current[group]) {
            List<PrefixSet.Item> all = new ArrayList<>(index.groupLiterals.get(group));
            BitSet m = members[group];
            for (int slot = m.nextSetBit(0); slot >= 0; slot = m.nextSetBit(slot + 1)) {
                all.addAll(nodes.addresses(slot));
            }
            List<String> built = PrefixSet.aggregateItems(all);
            if (!built.equals(sources[group])) {
                sources[group] = built;
            }
            current[group] = true;
        }
        return (List<String>) sources[group];
    }

    private List<String> selfSources(long user, int group) {
        SelfSource s = self.computeIfAbsent(user, u -> new HashMap<>()).computeIfAbsent(group, g -> new SelfSource());
        long changed = nodes.userChangedAt(user);
        if (s.at < changed) {
            List<PrefixSet.Item> all = new ArrayList<>();
            nodes.selfSources(user, index.groupRule[group], all);
            List<String> built = PrefixSet.aggregateItems(all);
            if (!built.equals(s.list)) {
                s.list = built;
            }
            s.at = changed;
        }
        return s.list;
    }

    /** Collects rules, merging those with the same source list (by identity) and protocols. */
    private static final class Merger {
        private final List<List<String>> src = new ArrayList<>();
        private final List<List<Integer>> protos = new ArrayList<>();
        private final List<Set<PortRange>> ports = new ArrayList<>();
        private final Map<List<String>, List<Integer>> bySource = new IdentityHashMap<>();

        void add(List<String> sources, Set<PortRange> ranges, List<Integer> ipProto) {
            if (sources.isEmpty()) {
                return; // nobody can send this: a rule would only cost the node memory
            }
            List<Integer> same = bySource.computeIfAbsent(sources, k -> new ArrayList<>(1));
            for (int j : same) {
                if (protos.get(j).equals(ipProto)) {
                    ports.get(j).addAll(ranges);
                    return;
                }
            }
            same.add(src.size());
            src.add(sources);
            protos.add(ipProto);
            ports.add(new LinkedHashSet<>(ranges));
        }

        List<FilterRule> rules() {
            FilterRule[] out = new FilterRule[src.size()];
            for (int j = 0; j < out.length; j++) {
                out[j] = new FilterRule(src.get(j), List.copyOf(ports.get(j)), protos.get(j));
            }
            return List.of(out);
        }
    }
}
