package dev.trellis.coordinator.netmap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.protocol.control.DnsConfig;
import dev.trellis.protocol.control.FilterRule;
import dev.trellis.protocol.control.MapResponse;
import dev.trellis.protocol.control.Node;
import dev.trellis.protocol.control.UserProfile;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How the hub follows a policy: who is told about whom, and filters, as nodes and the policy change. */
class HubPolicyTest {
    private final NetMapHub hub = new NetMapHub(PeerPolicy.allowAll(), new DnsConfig("trellis.test", null, null),
            Clock.systemUTC(), Duration.ofSeconds(30), Duration.ZERO, new NetMapHub.Listener() {
                @Override
                public void online(long nodeId) {}

                @Override
                public void offline(long nodeId, Instant lastSeen) {}
            });

    /**
     * Nodes see each other only when they share their first tag (or, untagged, their user); the
     * filter accepts from the node's group, one shared instance per group.
     */
    static final class SameGroup implements PeerPolicy {
        final Map<Long, String> group = new HashMap<>();
        final Map<String, List<FilterRule>> filters = new HashMap<>();

        @Override
        public void putUser(long userId, String loginName) {}

        @Override
        public void upsert(Node node) {
            group.put(node.id(), node.tags().isEmpty() ? "user" + node.user() : node.tags().getFirst());
        }

        @Override
        public void remove(long nodeId) {
            group.remove(nodeId);
        }

        @Override
        public boolean visible(long viewerId, long peerId) {
            return group.containsKey(viewerId) && Objects.equals(group.get(viewerId), group.get(peerId));
        }

        /** Nodes of one group relate alike to everyone: the hub diffs a policy change per group. */
        @Override
        public long visibilityClass(long nodeId) {
            return group.getOrDefault(nodeId, "").hashCode();
        }

        @Override
        public List<FilterRule> filterFor(long nodeId) {
            return filters.computeIfAbsent(group.get(nodeId),
                    g -> List.of(new FilterRule(List.of(g), List.of(new FilterRule.PortRange("*", 22, 22)), List.of())));
        }
    }

    private static Node node(long id, long user, String... tags) {
        Node n = NetMapHubTest.node(id);
        return new Node(n.id(), n.stableId(), n.name(), user, n.key(), null, null, n.addresses(), n.allowedIps(),
                List.of(), null, n.hostinfo(), n.created(), null, null, List.of(tags), false);
    }

    /** The source list of the last filter the stream carried. */
    private static List<String> lastFilter(RecordingSink s) {
        List<String> last = List.of();
        for (MapResponse r : s.received()) {
            if (r.packetFilter() != null) {
                last = r.packetFilter().getFirst().srcIps();
            }
        }
        return last;
    }

    @AfterEach
    void closeAll() {
        hub.closeAll();
    }

    @Test
    void aPolicyChangeAddsAndRemovesPeersAndSendsNewFilters() throws Exception {
        hub.putUser(new UserProfile(1, "alice", "Alice"));
        hub.putUser(new UserProfile(2, "bob", "Bob"));
        hub.load(List.of(node(1, 1), node(2, 1), node(3, 2)));
        RecordingSink a = new RecordingSink();
        RecordingSink c = new RecordingSink();
        hub.open(1, 1, a).orElseThrow();
        hub.open(3, 3, c).orElseThrow();
        a.await("everyone, allow all", s -> s.peers().keySet().equals(java.util.Set.of(2L, 3L)));
        // c's first (full) map must be in before the policy changes, or "nobody" below could be that map.
        c.await("everyone, allow all", s -> s.peers().keySet().equals(java.util.Set.of(1L, 2L)));

        hub.setPolicy(new SameGroup());
        a.await("only alice's node 2", s -> s.peers().keySet().equals(java.util.Set.of(2L)));
        c.await("nobody", s -> s.peers().isEmpty() && !s.received().getLast().isFull());
        a.await("alice's filter", s -> lastFilter(s).equals(List.of("user1")));
        assertThat(a.received().stream().filter(r -> r.peersRemoved() != null).flatMap(r -> r.peersRemoved().stream()))
                .containsExactly(3L);

        // A tag moves node 3 into node 1's group once node 1 is tagged the same.
        hub.upsert(node(1, 1, "tag:web"));
        a.await("alone, with the tag's filter", s -> s.peers().isEmpty() && lastFilter(s).equals(List.of("tag:web")));
        hub.upsert(node(3, 2, "tag:web"));
        a.await("node 3 via the tag", s -> s.peers().keySet().equals(java.util.Set.of(3L)));
        c.await("node 1 via the tag", s -> s.peers().keySet().equals(java.util.Set.of(1L)));

        int before = a.received().size();
        hub.upsert(node(2, 1));   // unchanged, and invisible to node 1: node 1 hears nothing
        hub.remove(2);
        hub.upsert(node(4, 2, "tag:web"));
        a.await("node 4 joins", s -> s.peers().containsKey(4L));
        assertThat(a.received().subList(before, a.received().size()))
                .allSatisfy(r -> assertThat(r.peersRemoved()).isNull())
                .allSatisfy(r -> assertThat(r.packetFilter()).isNull());
    }
}
