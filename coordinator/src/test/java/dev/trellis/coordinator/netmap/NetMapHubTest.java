package dev.trellis.coordinator.netmap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.protocol.control.DnsConfig;
import dev.trellis.protocol.control.FilterRule;
import dev.trellis.protocol.control.Hostinfo;
import dev.trellis.protocol.control.MapResponse;
import dev.trellis.protocol.control.Node;
import dev.trellis.protocol.control.PeerChange;
import dev.trellis.protocol.control.UserProfile;
import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.net.IpPrefix;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NetMapHubTest {
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final NetMapHub hub = new NetMapHub(PeerPolicy.allowAll(), new DnsConfig("trellis.test", null, null),
            Clock.systemUTC(), Duration.ofSeconds(30), new NetMapHub.Listener() {
                @Override
                public void online(long nodeId) {
                    events.add("online " + nodeId);
                }

                @Override
                public void offline(long nodeId, Instant lastSeen) {
                    events.add("offline " + nodeId);
                }
            });

    static Node node(long id) {
        return new Node(id, "s" + id, "host" + id, 1, NodePrivateKey.generate().publicKey(), null, null,
                List.of(IpPrefix.parse("100.64.0." + id + "/32")), List.of(IpPrefix.parse("100.64.0." + id + "/32")),
                List.of(), null, new Hostinfo("host" + id, "linux", null, null), Instant.EPOCH, null, null, List.of(), false);
    }

    @AfterEach
    void closeAll() {
        hub.closeAll();
    }

    @Test
    void fullMapFirstThenOnlyDeltas() throws Exception {
        hub.putUser(new UserProfile(1, "alice", "Alice"));
        hub.load(List.of(node(1), node(2)));
        RecordingSink a = new RecordingSink();
        hub.open(1, 10, a).orElseThrow();
        a.await("full map with node 2", s -> s.peers().containsKey(2L));
        MapResponse full = a.received().getFirst();
        assertThat(full.isFull()).isTrue();
        assertThat(full.seq()).isEqualTo(1);
        assertThat(full.id()).isEqualTo(10);
        assertThat(full.node().id()).isEqualTo(1);
        assertThat(full.node().online()).isTrue();
        assertThat(full.packetFilter()).isEqualTo(FilterRule.ALLOW_ALL);
        assertThat(full.userProfiles()).extracting(UserProfile::loginName).containsExactly("alice");
        assertThat(full.peers()).extracting(Node::id).containsExactly(2L);
        assertThat(full.peers().getFirst().online()).isFalse();

        RecordingSink b = new RecordingSink();
        hub.open(2, 11, b).orElseThrow();
        a.await("node 2 online", s -> Boolean.TRUE.equals(s.peers().get(2L).online()));

        hub.upsert(node(3));
        a.await("node 3 added", s -> s.peers().containsKey(3L));
        b.await("node 3 added", s -> s.peers().containsKey(3L));
        MapResponse delta = a.received().getLast();
        assertThat(delta.isFull()).isFalse();
        assertThat(delta.peersChanged()).extracting(Node::id).containsExactly(3L);

        hub.remove(3);
        a.await("node 3 removed", s -> !s.peers().containsKey(3L));
        b.await("node 3 removed", s -> !s.peers().containsKey(3L));
        assertThat(events).containsExactly("online 1", "online 2");
        assertThat(a.received()).extracting(MapResponse::seq).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void theRelayMapIsInEveryFullMapAndChangesReachOpenStreams() throws Exception {
        var map = new dev.trellis.protocol.control.RelayMap(List.of(new dev.trellis.protocol.control.RelayMap.Region(1,
                "lab", "Lab", List.of(new dev.trellis.protocol.control.RelayMap.Relay("r1", "relay.test", "198.18.0.1",
                        null, 8443, 3478, true)))));
        hub.relayMap(map);
        hub.load(List.of(node(1), node(2)));
        RecordingSink a = new RecordingSink();
        hub.open(1, 1, a).orElseThrow();
        a.await("full map", s -> !s.received().isEmpty());
        assertThat(a.received().getFirst().relayMap()).isEqualTo(map);
        hub.relayMap(dev.trellis.protocol.control.RelayMap.EMPTY);
        a.await("the empty relay map", s -> s.received().stream().skip(1)
                .anyMatch(r -> dev.trellis.protocol.control.RelayMap.EMPTY.equals(r.relayMap())));
    }

    @Test
    void aSlowReaderGetsOneMergedDelta() throws Exception {
        hub.load(List.of(node(1), node(2)));
        RecordingSink a = new RecordingSink();
        hub.open(1, 1, a).orElseThrow();
        a.await("full map", s -> !s.received().isEmpty());
        a.block();
        for (int i = 0; i < 100; i++) {
            hub.patch(new PeerChange(2, null, null, List.of("198.18.0.2:" + (1000 + i)), null, null, null, null));
        }
        hub.upsert(node(5));
        hub.remove(5);
        hub.upsert(node(6));
        a.unblock();
        a.await("last endpoint and node 6", s -> s.peers().containsKey(6L)
                && s.peers().get(2L).endpoints().equals(List.of("198.18.0.2:1099")));
        // The first delta may have been taken before the reader blocked; the rest is merged.
        assertThat(a.received().size()).isLessThanOrEqualTo(3);
        assertThat(a.peers()).doesNotContainKey(5L);
    }

    @Test
    void aJoinReachesEveryStreamAsOneDelta() throws Exception {
        // A window far longer than the test's three calls, so that they surely fall into one batch.
        NetMapHub slow = new NetMapHub(PeerPolicy.allowAll(), new DnsConfig("t", null, null), Clock.systemUTC(),
                Duration.ofSeconds(30), Duration.ofMillis(500), new NetMapHub.Listener() {
                    @Override
                    public void online(long nodeId) {}

                    @Override
                    public void offline(long nodeId, Instant lastSeen) {}
                });
        try {
            slow.putUser(new UserProfile(1, "alice", "Alice"));
            slow.load(List.of(node(1), node(2)));
            RecordingSink a = new RecordingSink();
            RecordingSink b = new RecordingSink();
            slow.open(1, 1, a).orElseThrow();
            slow.open(2, 1, b).orElseThrow();
            a.await("2 online", s -> s.received().size() == 2); // the full map, then 2's online patch
            b.await("full map", s -> s.received().size() == 1); // 1 was online already

            int beforeA = a.received().size();
            int beforeB = b.received().size();
            // what a node joining does: registered, reports its endpoints, opens its stream
            slow.upsert(node(3));
            slow.patch(new PeerChange(3, null, null, List.of("198.18.0.3:41641"), null, null, null, null));
            slow.open(3, 1, new RecordingSink()).orElseThrow();

            for (RecordingSink s : List.of(a, b)) {
                int before = s == a ? beforeA : beforeB;
                s.await("node 3 online with its endpoint", v -> v.peers().containsKey(3L)
                        && Boolean.TRUE.equals(v.peers().get(3L).online())
                        && v.peers().get(3L).endpoints().equals(List.of("198.18.0.3:41641")));
                MapResponse delta = s.received().getLast();
                assertThat(s.received()).hasSize(before + 1);
                assertThat(delta.peersChanged()).extracting(Node::id).containsExactly(3L);
                assertThat(delta.peersChangedPatch()).isNull();
                assertThat(delta.userProfiles()).extracting(UserProfile::loginName).containsExactly("alice");
            }
        } finally {
            slow.closeAll();
        }
    }

    @Test
    void closingTakesTheNodeOfflineForItsPeers() throws Exception {
        hub.load(List.of(node(1), node(2)));
        RecordingSink a = new RecordingSink();
        RecordingSink b = new RecordingSink();
        hub.open(1, 1, a).orElseThrow();
        MapSession sb = hub.open(2, 1, b).orElseThrow();
        a.await("2 online", s -> s.peers().containsKey(2L) && Boolean.TRUE.equals(s.peers().get(2L).online()));
        sb.close();
        a.await("2 offline", s -> s.peers().containsKey(2L) && Boolean.FALSE.equals(s.peers().get(2L).online())
                && s.peers().get(2L).lastSeen() != null);
        assertThat(hub.isOnline(2)).isFalse();
        assertThat(events).contains("offline 2");
    }

    @Test
    void aFailingSinkClosesItsSession() throws Exception {
        hub.load(List.of(node(1), node(2)));
        RecordingSink a = new RecordingSink();
        RecordingSink b = new RecordingSink();
        hub.open(1, 1, a).orElseThrow();
        hub.open(2, 1, b).orElseThrow();
        b.await("full", s -> !s.received().isEmpty());
        b.failNext();
        hub.upsert(node(3));
        a.await("2 offline", s -> s.peers().containsKey(2L) && Boolean.FALSE.equals(s.peers().get(2L).online()));
    }

    @Test
    void aReconnectReplacesTheOldSessionWithoutGoingOffline() throws Exception {
        hub.load(List.of(node(1), node(2)));
        RecordingSink a = new RecordingSink();
        hub.open(1, 1, a).orElseThrow();
        MapSession first = hub.open(2, 1, new RecordingSink()).orElseThrow();
        MapSession second = hub.open(2, 2, new RecordingSink()).orElseThrow();
        assertThat(first.isClosed()).isTrue();
        assertThat(second.isClosed()).isFalse();
        assertThat(hub.isOnline(2)).isTrue();
        assertThat(events).containsExactly("online 1", "online 2");
    }

    @Test
    void keepAlivesFlowWhenNothingChanges() throws Exception {
        NetMapHub quick = new NetMapHub(PeerPolicy.allowAll(), new DnsConfig("t", null, null), Clock.systemUTC(),
                Duration.ofMillis(20), new NetMapHub.Listener() {
                    @Override
                    public void online(long nodeId) {}

                    @Override
                    public void offline(long nodeId, Instant lastSeen) {}
                });
        quick.load(List.of(node(1)));
        RecordingSink a = new RecordingSink();
        quick.open(1, 1, a).orElseThrow();
        a.await("two keep-alives", s -> s.received().stream().filter(MapResponse::keepAlive).count() >= 2);
        quick.closeAll();
    }

    @Test
    void unknownNodeCannotOpenAStream() {
        assertThat(hub.open(42, 1, new RecordingSink())).isEmpty();
    }
}
