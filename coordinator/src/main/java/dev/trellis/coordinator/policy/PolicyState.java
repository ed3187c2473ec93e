package dev.trellis.coordinator.policy;

import dev.trellis.protocol.control.FilterRule;
import dev.trellis.protocol.control.Node;
import dev.trellis.protocol.net.IpPrefix;
import java.util.ArrayDeque;
import java.util.ArrayList;
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
 * changes who a node is costs O(selectors + dst entries + source groups); one that changes
 * nothing the policy looks at (keys, endpoints, names) costs a few comparisons. Filters are
 * shared by nodes that match the same dst entries and rebuilt lazily, only when a source list
 * they use changed (see {@link Filters}); {@link #filterFor} returns the same List instance until
 * the node's filter content changes, so callers may compare filters by identity.
 */
public final class PolicyState {
    /** Stands in for a login not yet given to {@link #putUser}: no selector can name it. */
    private static final String UNKNOWN_LOGIN = "\u0000user:";

    private final boolean open;
    private final RuleIndex index;
    private final Filters filters;
    private final Map<Long, NodeState> nodes = new HashMap<>();
    private final Map<Long, String> logins = new HashMap<>();
    private final Map<Long, UserState> users = new HashMap<>();
    private final List<NodeState> slots = new ArrayList<>();
    private final ArrayDeque<Integer> freeSlots = new ArrayDeque<>();
    /** Advances on every change that can affect a filter; filters remember the epoch they were checked at. */
    private long epoch;
    /** Interned visibility classes (see {@link #visibilityClass}); rebuilt when it outgrows the nodes. */
    private final Map<VisibilityKey, Integer> classes = new HashMap<>();

    /** Everything {@link #visible} looks at, besides the other node. */
    private record VisibilityKey(long[] src, long[] dst, long[] self, boolean tagged, long user) {
        @Override
        public boolean equals(Object o) {
            return o instanceof VisibilityKey k && tagged == k.tagged && user == k.user
                    && java.util.Arrays.equals(src, k.src) && java.util.Arrays.equals(dst, k.dst)
                    && java.util.Arrays.equals(self, k.self);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(src) * 31 + java.util.Arrays.hashCode(dst) * 17
                    + java.util.Arrays.hashCode(self) + Boolean.hashCode(tagged) + Long.hashCode(user);
        }
    }

    private static final class NodeState {
        Node node;
        int slot;
        boolean tagged;
        List<PrefixSet.Item> addresses;
        RuleIndex.NodeMatch match;
        Filters.Shared filter;
        /** What {@link #filterFor} last returned, and from which shared filter. */
        List<FilterRule> last;
        Filters.Shared lastFrom;
    }

    private static final class UserState {
        final Set<Long> nodes = new HashSet<>();
        long changedAt;
    }

    /** {@code policy} null (or a policy without "acls") allows everything. */
    public PolicyState(Policy policy) {
        this.open = policy == null || policy.allowsAll();
        this.index = policy == null ? new RuleIndex(List.of()) : policy.index();
        this.filters = new Filters(index, new Filters.Nodes() {
            @Override
            public List<PrefixSet.Item> addresses(int slot) {
                return slots.get(slot).addresses;
            }

            @Override
            public void selfSources(long user, int rule, List<PrefixSet.Item> out) {
                for (long id : users.get(user).nodes) {
                    NodeState n = nodes.get(id);
                    if (!n.tagged && RuleIndex.has(n.match.src(), rule)) {
                        out.addAll(n.addresses);
                    }
                }
            }

            @Override
            public long userChangedAt(long user) {
                UserState u = users.get(user);
                return u == null ? epoch : u.changedAt;
            }
        });
    }

    /** Tells the state a user's login name; nodes of a user without one match no user selector. */
    public void putUser(long userId, String loginName) {
        if (Objects.equals(logins.put(userId, loginName), loginName)) {
            return;
        }
        UserState u = users.get(userId);
        if (u != null && !open) {
            for (Long id : List.copyOf(u.nodes)) {
                NodeState s = nodes.get(id);
                apply(s, s.node, true);
            }
        }
    }

    /** Adds or replaces a node; only its id, user, tags, addresses and allowed IPs matter here. */
    public void upsert(Node node) {
        NodeState s = nodes.get(node.id());
        if (s != null) {
            apply(s, node, false);
            return;
        }
        s = new NodeState();
        s.slot = freeSlots.isEmpty() ? slots.size() : freeSlots.pop();
        if (s.slot == slots.size()) {
            slots.add(s);
        } else {
            slots.set(s.slot, s);
        }
        nodes.put(node.id(), s);
        apply(s, node, true);
    }

    public void remove(long nodeId) {
        NodeState s = nodes.remove(nodeId);
        if (s == null) {
            return;
        }
        epoch++;
        if (!open) {
            for (int g = 0; g < index.groupRule.length; g++) {
                if (RuleIndex.has(s.match.src(), index.groupRule[g])) {
                    filters.member(g, s.slot, false, epoch);
                }
            }
            filters.release(s.filter);
        }
        leaveUser(s.node.user(), nodeId);
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
     * Nodes with the same class see, and are seen by, exactly the same nodes: {@code
     * visible(x, a) == visible(x, b)} for every x when {@code a} and {@code b} share a class. A
     * policy change is then diffed per pair of classes, not per pair of nodes. -1 for an unknown
     * node. Class numbers are stable while the state lives, unless the table outgrows the nodes
     * (then it is rebuilt and earlier numbers mean nothing): compare numbers taken together.
     */
    public int visibilityClass(long nodeId) {
        NodeState s = nodes.get(nodeId);
        if (s == null) {
            return -1;
        }
        if (open) {
            return 0;
        }
        if (classes.size() > 4 * nodes.size() + 64) {
            classes.clear();
        }
        // The user matters only for autogroup:self, which never applies to tagged nodes.
        long user = !s.tagged && index.hasSelfRules() ? s.node.user() : Long.MIN_VALUE;
        RuleIndex.NodeMatch m = s.match;
        return classes.computeIfAbsent(new VisibilityKey(m.src(), m.dst(), m.self(), s.tagged, user),
                k -> classes.size());
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
        List<FilterRule> result = filters.current(s.filter, epoch);
        if (result != s.last) {
            // From the same shared filter a new instance means new content; after the node's
            // key changed, the new filter may still be equal to what it had.
            if (s.lastFrom != s.filter && s.last != null && s.last.equals(result)) {
                result = s.last;
            }
            s.last = result;
            s.lastFrom = s.filter;
        }
        return result;
    }

    /** (Re)evaluates {@code s} as {@code node}; nothing happens unless who the node is changed. */
    private void apply(NodeState s, Node node, boolean force) {
        Node before = s.node;
        s.node = node;
        if (!force && before.user() == node.user() && before.tags().equals(node.tags())
                && before.addresses().equals(node.addresses()) && before.allowedIps().equals(node.allowedIps())) {
            return;
        }
        epoch++;
        s.tagged = !node.tags().isEmpty();
        if (before != null && before.user() != node.user()) {
            leaveUser(before.user(), node.id());
        }
        UserState u = users.computeIfAbsent(node.user(), k -> new UserState());
        u.nodes.add(node.id());
        u.changedAt = epoch;
        if (open) {
            return;
        }
        boolean moved = before == null || !before.addresses().equals(node.addresses());
        if (moved) {
            s.addresses = node.addresses().stream().map(PrefixSet.Item::of).toList();
        }
        RuleIndex.NodeMatch old = s.match;
        RuleIndex.NodeMatch now = index.evaluate(identity(node));
        s.match = now;
        for (int g = 0; g < index.groupRule.length; g++) {
            boolean was = old != null && RuleIndex.has(old.src(), index.groupRule[g]);
            boolean is = RuleIndex.has(now.src(), index.groupRule[g]);
            if (was != is || (moved && is)) {
                filters.member(g, s.slot, is, epoch);
            }
        }
        FilterKey key = new FilterKey(now.entries(), node.user(), index);
        if (s.filter == null || !key.equals(s.filter.key)) {
            Filters.Shared previous = s.filter;
            s.filter = filters.acquire(key);
            if (previous != null) {
                filters.release(previous);
            }
        }
    }

    private void leaveUser(long user, long nodeId) {
        UserState u = users.get(user);
        u.nodes.remove(nodeId);
        u.changedAt = epoch;
        if (u.nodes.isEmpty()) {
            users.remove(user);
            filters.forgetUser(user);
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
}
