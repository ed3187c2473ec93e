package dev.trellis.coordinator.policy;

import dev.trellis.protocol.control.FilterRule;
import java.util.Arrays;
import java.util.List;

/**
 * What a node's packet filter is a function of: the dst entries it matches and, if one of them is
 * autogroup:self, its user. Nodes with equal keys get the same filter (the same List instance),
 * so a tailnet of 10,000 nodes in a few roles holds a few filters, not 10,000.
 */
final class FilterKey {
    final int[] entries;
    final boolean self;
    final long user;
    /** The distinct rules of the non-self entries: whose source changes make the filter stale. */
    final int[] rules;

    FilterKey(int[] entries, boolean self, long user, RuleIndex index) {
        this.entries = entries;
        this.self = self;
        this.user = self ? user : 0;
        this.rules = Arrays.stream(entries).filter(e -> !index.entries.get(e).self())
                .map(e -> index.entries.get(e).rule()).distinct().toArray();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FilterKey k && self == k.self && user == k.user && Arrays.equals(entries, k.entries);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(entries) * 31 + Long.hashCode(user) + (self ? 1 : 0);
    }

    /** The filter shared by every node with this key, and when it was last known current. */
    static final class Shared {
        int refs;
        long checkedAt = -1;
        List<FilterRule> rules;
    }
}
