package dev.trellis.coordinator.tailnet;

import dev.trellis.coordinator.netmap.PeerPolicy;
import dev.trellis.coordinator.policy.Policy;
import dev.trellis.coordinator.policy.PolicyState;
import dev.trellis.protocol.control.FilterRule;
import dev.trellis.protocol.control.Node;
import java.util.List;

/**
 * The ACL policy as the map hub asks it: a {@link PolicyState} over the hub's nodes. Public for
 * the benchmarks, which drive a hub with it directly.
 */
public final class AclPeerPolicy implements PeerPolicy {
    private final PolicyState state;

    public AclPeerPolicy(Policy policy) {
        this.state = new PolicyState(policy);
    }

    @Override
    public void putUser(long userId, String loginName) {
        state.putUser(userId, loginName);
    }

    @Override
    public void upsert(Node node) {
        state.upsert(node);
    }

    @Override
    public void remove(long nodeId) {
        state.remove(nodeId);
    }

    @Override
    public boolean visible(long viewerId, long peerId) {
        return state.visible(viewerId, peerId);
    }

    @Override
    public long visibilityClass(long nodeId) {
        return state.visibilityClass(nodeId);
    }

    @Override
    public List<FilterRule> filterFor(long nodeId) {
        return state.filterFor(nodeId);
    }
}
