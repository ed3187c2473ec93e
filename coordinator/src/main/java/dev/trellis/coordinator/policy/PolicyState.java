package dev.trellis.coordinator.policy;

import dev.trellis.protocol.control.FilterRule;
import dev.trellis.protocol.control.FilterRule.PortRange;
import dev.trellis.protocol.control.Node;
import dev.trellis.protocol.net.IpPrefix;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A policy applied to the live node set: who sees whom, and each node's packet filter, kept up
 * to date incrementally. NOT thread-safe: the caller (the netmap hub) serialises calls.
 *
 * <p>Each node keeps bitsets of the rules it matches as a source, as a destination and (if it is
 * a user's node) through autogroup:self, so {@link #visible} is a few long ANDs. An upsert that
 * changes who a node is costs O(selectors + dst entries), plus marking the rules whose source set
 * it entered, left or changed addresses in. Filters are built per {@link FilterKey} (shared by
 * nodes that match the same dst entries) and rebuilt lazily, only when one of their rules' source
 * sets (or, for autogroup:self, the user's nodes) changed since they were last built. A rebuilt
 * filter equal to the previous one keeps the previous List instance, so callers may compare
 * filters by identity to decide whether to send one.
 */
public final class PolicyState {
    /** Stands in for a login not yet given to {@link #putUser}: no selector can name it. */
    private static final String UNKNOWN_LOGIN = "\u0000user:";

    private final boolean open;
    private final RuleIndex index;
    private final Map<Long, NodeState> nodes = new HashMap<>();
    private final Map<Long, String> logins = new HashMap<>();
    private final Map<Long, UserState> users = new HashMap<>();
    private final List<NodeState> slots = new ArrayList<>();
    private final ArrayDeque<Integer> freeSlots = new ArrayDeque<>();
    private final BitSet[] srcMembers;
    private final long[] ruleChangedAt;
    private final List<?>[] srcIps;
    private final boolean[] srcIpsCurrent;
    private final Map<FilterKey, FilterKey.Shared> filters = new HashMap<>();
    private long epoch;

    private static final class NodeState {
        Node node;
        int slot;
        boolean tagged;
        RuleIndex.NodeMatch match;
        FilterKey key;
        List<FilterRule> last;
    }

    private static final class UserState {
        final Set<Long> nodes = new HashSet<>();
        long changedAt;
    }

    /** {@code policy} null (or a policy without "acls") allows everything. */
    public PolicyState(Policy policy) {
        this.open = policy == null || policy.allowsAll();
        this.index = policy == null ? new RuleIndex(List.of()) : policy.index();
        int n = index.ruleCount;
        srcMembers = new BitSet[n];
        for (int i = 0; i < n; i++) {
            srcMembers[i] = new BitSet();
        }
        ruleChangedAt = new long[n];
        srcIps = new List<?>[n];
        srcIpsCurrent = new boolean[n];
    }

    /** Tells the state a user's login name; nodes of a user without one match no user selector. */
    public void putUser(long userId, String loginName) {
        if (Objects.equals(logins.put(userId, loginName), loginName)) {
            return;
        }
        UserState u = users.get(userId);
        if (u != null && !open) {
            for (Long id : List.copyOf(u.nodes)) {
                apply(nodes.get(id), nodes.get(id).node, true);
            }
        }
    }

    /** Adds or replaces a node; only its id, user, tags, addresses and allowed IPs matter here. */
    public void upsert(Node node) {
        NodeState old = nodes.get(node.id());
        if (old == null) {
            NodeState s = new NodeState();
            s.slot = freeSlots.isEmpty() ? slots.size() : freeSlots.pop();
            if (s.slot == slots.size()) {
                slots.add(s);
            } else {
                slots.set(s.slot, s);
            }
            nodes.put(node.id(), s);
            apply(s, node, true);
        } else {
            apply(old, node, false);
        }
    }

    public void remove(long nodeId) {
        NodeState s = nodes.remove(nodeId);
        if (s == null) {
            return;
        }
        epoch++;
        if (!open) {
            forEachRule(s.match.src(), r -> {
                srcMembers[r].clear(s.slot);
                sourceChanged(r);
            });
            releaseKey(s.key);
        }
        UserState u = users.get(s.node.user());
        u.nodes.remove(nodeId);
        u.changedAt = epoch;
        if (u.nodes.isEmpty()) {
            users.remove(s.node.user());
        }
        slots.set(s.slot, null);
        freeSlots.push(s.slot);
    }

    /** Whether {@code viewerId} may reach {@code peerId} or the other way round; false for unknown ids. */
    public boolean visible(long viewerId, long peerId) {
        NodeState a = nodes.get(viewerId);
        NodeState b = nodes.get(peerId);
        if (a == null || b == null) {
            return false;
        }
        if (open) {
            return true;
        }
        RuleIndex.NodeMatch x = a.match;
        RuleIndex.NodeMatch y = b.match;
        if (RuleIndex.intersects(x.src(), y.dst()) || RuleIndex.intersects(y.src(), x.dst())) {
            return true;
        }
        return a.node.user() == b.node.user() && !a.tagged && !b.tagged
                && (RuleIndex.intersects(x.src(), y.self()) || RuleIndex.intersects(y.src(), x.self()));
    }

    /**
     * The packet filter for traffic arriving at {@code nodeId}: {@link FilterRule#ALLOW_ALL}
     * without a policy, an empty list for an unknown node. The same List instance is returned
     * until the filter's content changes.
     */
    public List<FilterRule> filterFor(long nodeId) {
        NodeState s = nodes.get(nodeId);
        if (s == null) {
            return List.of();
        }
        if (open) {
            return FilterRule.ALLOW_ALL;
        }
        FilterKey.Shared shared = filters.get(s.key);
        if (shared.checkedAt < epoch) {
            if (stale(s.key, shared.checkedAt)) {
                List<FilterRule> built = build(s.key);
                if (!built.equals(shared.rules)) {
                    shared.rules = built;
                }
            }
            shared.checkedAt = epoch;
        }
        List<FilterRule> result = shared.rules;
        if (s.last != result) {
            if (s.last != null && s.last.equals(result)) {
                return s.last;
            }
            s.last = result;
        }
        return result;
    }

    /** (Re)evaluates {@code s} as {@code node}; nothing happens unless who the node is changed. */
    private void apply(NodeState s, Node node, boolean force) {
        Node before = s.node;
        if (!force && before != null && before.user() == node.user() && before.tags().equals(node.tags())
                && before.addresses().equals(node.addresses()) && before.allowedIps().equals(node.allowedIps())) {
            s.node = node;
            return;
        }
        epoch++;
        s.node = node;
        s.tagged = !node.tags().isEmpty();
        if (before != null && before.user() != node.user()) {
            UserState u = users.get(before.user());
            u.nodes.remove(node.id());
            u.changedAt = epoch;
            if (u.nodes.isEmpty()) {
                users.remove(before.user());
            }
        }
        UserState u = users.computeIfAbsent(node.user(), k -> new UserState());
        u.nodes.add(node.id());
        u.changedAt = epoch;
        if (open) {
            return;
        }
        RuleIndex.NodeMatch old = s.match;
        RuleIndex.NodeMatch now = index.evaluate(identity(node));
        s.match = now;
        boolean moved = before == null || !before.addresses().equals(node.addresses());
        for (int w = 0; w < index.words; w++) {
            long was = old == null ? 0 : old.src()[w];
            long is = now.src()[w];
            long touched = moved ? was | is : was ^ is;
            while (touched != 0) {
                int r = w * 64 + Long.numberOfTrailingZeros(touched);
                touched &= touched - 1;
                srcMembers[r].set(s.slot, (is & (1L << r)) != 0);
                sourceChanged(r);
            }
        }
        boolean self = false;
        for (int e : now.entries()) {
            self |= index.entries.get(e).self();
        }
        FilterKey key = new FilterKey(now.entries(), self, node.user(), index);
        if (!key.equals(s.key)) {
            if (s.key != null) {
                releaseKey(s.key);
            }
            filters.computeIfAbsent(key, k -> new FilterKey.Shared()).refs++;
            s.key = key;
        }
    }

    private Identity identity(Node node) {
        if (!node.tags().isEmpty()) {
            return new Identity(null, node.tags(), node.addresses(), reach(node));
        }
        String login = logins.get(node.user());
        return new Identity(login != null ? login : UNKNOWN_LOGIN + node.user(), List.of(), node.addresses(), reach(node));
    }

    private static List<IpPrefix> reach(Node node) {
        if (node.allowedIps().containsAll(node.addresses())) {
            return node.allowedIps();
        }
        Set<IpPrefix> all = new LinkedHashSet<>(node.addresses());
        all.addAll(node.allowedIps());
        return List.copyOf(all);
    }

    private void sourceChanged(int rule) {
        if (!index.anySource[rule]) { // a "*" source is "*" whoever comes and goes
            ruleChangedAt[rule] = epoch;
            srcIpsCurrent[rule] = false;
        }
    }

    private void releaseKey(FilterKey key) {
        FilterKey.Shared shared = filters.get(key);
        if (--shared.refs == 0) {
            filters.remove(key);
        }
    }

    private boolean stale(FilterKey key, long since) {
        if (since < 0) {
            return true;
        }
        for (int r : key.rules) {
            if (ruleChangedAt[r] > since) {
                return true;
            }
        }
        return key.self && users.get(key.user).changedAt > since;
    }

    /** One rule per acl rule the node matches (two if it also matches through autogroup:self), merged. */
    private List<FilterRule> build(FilterKey key) {
        List<FilterRule> out = new ArrayList<>();
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
                add(out, sources(rule), ranges, protos);
            }
            if (!selfRanges.isEmpty()) {
                add(out, selfSources(rule, key.user), selfRanges, protos);
            }
        }
        return List.copyOf(out);
    }

    /** Adds a rule, merged into an earlier one with the same sources and protocols. */
    private static void add(List<FilterRule> out, List<String> src, Set<PortRange> ranges, List<Integer> protos) {
        if (src.isEmpty()) {
            return; // nobody can send this: a rule would only cost the node memory
        }
        for (int j = 0; j < out.size(); j++) {
            FilterRule f = out.get(j);
            if (f.ipProto().equals(protos) && f.srcIps().equals(src)) {
                Set<PortRange> merged = new LinkedHashSet<>(f.dstPorts());
                merged.addAll(ranges);
                out.set(j, new FilterRule(src, List.copyOf(merged), protos));
                return;
            }
        }
        out.add(new FilterRule(src, List.copyOf(ranges), protos));
    }

    /** The rule's sources: "*", or its members' addresses and its literal prefixes, aggregated. */
    @SuppressWarnings("unchecked")
    private List<String> sources(int rule) {
        if (index.anySource[rule]) {
            return List.of("*");
        }
        if (!srcIpsCurrent[rule]) {
            List<IpPrefix> all = new ArrayList<>(index.literalSources.get(rule));
            BitSet members = srcMembers[rule];
            for (int slot = members.nextSetBit(0); slot >= 0; slot = members.nextSetBit(slot + 1)) {
                all.addAll(slots.get(slot).node.addresses());
            }
            List<String> built = PrefixSet.aggregate(all);
            if (!built.equals(srcIps[rule])) {
                srcIps[rule] = built;
            }
            srcIpsCurrent[rule] = true;
        }
        return (List<String>) srcIps[rule];
    }

    /** For autogroup:self: the sources of {@code rule} that are {@code user}'s own untagged nodes. */
    private List<String> selfSources(int rule, long user) {
        List<IpPrefix> all = new ArrayList<>();
        for (long id : users.get(user).nodes) {
            NodeState n = nodes.get(id);
            if (!n.tagged && (n.match.src()[rule >>> 6] & (1L << rule)) != 0) {
                all.addAll(n.node.addresses());
            }
        }
        return PrefixSet.aggregate(all);
    }

    private static void forEachRule(long[] bits, java.util.function.IntConsumer action) {
        for (int w = 0; w < bits.length; w++) {
            long b = bits[w];
            while (b != 0) {
                action.accept(w * 64 + Long.numberOfTrailingZeros(b));
                b &= b - 1;
            }
        }
    }
}
