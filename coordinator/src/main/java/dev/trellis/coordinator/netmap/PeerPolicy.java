package dev.trellis.coordinator.netmap;

import dev.trellis.protocol.control.FilterRule;
import dev.trellis.protocol.control.Node;
import java.util.List;

/**
 * Who is told about whom. A node's map holds exactly the peers {@link #visible} says it may see,
 * so a node with no access to another never even learns its key. The ACL policy implements
 * this; without one, {@link #ALLOW_ALL} applies.
 */
public interface PeerPolicy {
    /** Whether {@code viewer} may see (and so reach, or be reached by) {@code peer}. */
    boolean visible(Node viewer, Node peer);

    /** The packet filter {@code node} applies to traffic arriving from its peers. */
    List<FilterRule> filterFor(Node node);

    /** Every node sees every other node and accepts everything: the rule when no policy is set. */
    PeerPolicy ALLOW_ALL = new PeerPolicy() {
        @Override
        public boolean visible(Node viewer, Node peer) {
            return true;
        }

        @Override
        public List<FilterRule> filterFor(Node node) {
            return FilterRule.ALLOW_ALL;
        }
    };
}
