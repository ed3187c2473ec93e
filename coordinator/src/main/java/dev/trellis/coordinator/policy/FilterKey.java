package dev.trellis.coordinator.policy;

import java.util.Arrays;

/**
 * What a node's packet filter is a function of: the dst entries it matches and, if one of them is
 * autogroup:self, its user. Nodes with equal keys get the same filter (the same List instance),
 * so a tailnet of 10,000 nodes in a few roles holds a few filters, not 10,000.
 */
final class FilterKey {
    final int[] entries;
    final boolean self;
    final long user;
    /** The source groups of the non-self entries, and of the autogroup:self entries. */
    final int[] groups;
    final int[] selfGroups;
    private final int hash;

    FilterKey(int[] entries, long user, RuleIndex index) {
        this.entries = entries;
        this.groups = Arrays.stream(entries).filter(e -> !index.entries.get(e).self())
                .map(e -> index.groupOf[index.entries.get(e).rule()]).distinct().toArray();
        this.selfGroups = Arrays.stream(entries).filter(e -> index.entries.get(e).self())
                .map(e -> index.groupOf[index.entries.get(e).rule()]).distinct().toArray();
        this.self = selfGroups.length > 0;
        this.user = self ? user : 0;
        this.hash = Arrays.hashCode(entries) * 31 + Long.hashCode(this.user);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FilterKey k && hash == k.hash && user == k.user && Arrays.equals(entries, k.entries);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
