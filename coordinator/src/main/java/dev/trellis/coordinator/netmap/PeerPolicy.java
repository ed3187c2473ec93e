package dev.trellis.coordinator.netmap;

import dev.trellis.protocol.control.FilterRule;
import dev.trellis.protocol.control.Node;
import java.util.List;

/**
 * Who is told about whom, evaluated over the hub's live node set. A node's map holds exactly
 * the peers {@link #visible} says it may see, so a node with no access to another never even
 * learns its key. The ACL policy ({@code dev.trellis.coordinator.policy.PolicyState}) implements
 * this; without one, {@link #allowAll()} applies.
 *
 * <p>The hub tells the policy about every user and node it holds and calls it only under its
 * own lock, so implementations need not be thread-safe. One instance serves one hub.
 */
public interface PeerPolicy {
    /** A user exists (or was renamed): selectors name users by login name. */
    void putUser(long userId, String loginName);

    /** A node was added or changed (its user, tags or addresses may differ from before). */
    void upsert(Node node);

    void remove(long nodeId);

    /** Whether {@code viewer} may see {@code peer}: one of them may reach the other. */
    boolean visible(long viewerId, long peerId);

    /**
     * A number shared by nodes that see, and are seen by, exactly the same nodes, so that a
     * policy change can be compared per group of nodes rather than per pair. Numbers are only
     * compared with others taken from the same instance in the same pass. The default gives
     * every node its own class, which is always correct.
     */
    default long visibilityClass(long nodeId) {
        return nodeId;
    }

    /**
     * The packet filter {@code nodeId} applies to traffic arriving from its peers. The same
     * instance is returned until the filter changes, so the hub can tell cheaply whether to send it.
     */
    List<FilterRule> filterFor(long nodeId);

    /** Every node sees every other node and accepts everything: the rule when no policy is set. */
    static PeerPolicy allowAll() {
        return AllowAll.INSTANCE;
    }

    /** Stateless, so one instance serves every hub. */
    enum AllowAll implements PeerPolicy {
        INSTANCE;

        @Override
        public void putUser(long userId, String loginName) {}

        @Override
        public void upsert(Node node) {}

        @Override
        public void remove(long nodeId) {}

        @Override
        public boolean visible(long viewerId, long peerId) {
            return true;
        }

        @Override
        public long visibilityClass(long nodeId) {
            return 0;
        }

        @Override
        public List<FilterRule> filterFor(long nodeId) {
            return FilterRule.ALLOW_ALL;
        }
    }
}
