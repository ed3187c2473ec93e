package dev.trellis.coordinator.netmap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.protocol.control.EncodedNode;
import dev.trellis.protocol.control.Node;
import dev.trellis.protocol.control.PeerChange;
import dev.trellis.protocol.control.PreparedMapResponse;
import dev.trellis.protocol.control.UserProfile;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PendingDeltaTest {
    private static final Instant T = Instant.parse("2026-11-25T20:00:00Z");
    private static final UserProfile ALICE = new UserProfile(1, "alice", "Alice");
    private static final UserProfile BOB = new UserProfile(2, "bob", "Bob");

    private final PendingDelta delta = new PendingDelta();

    private static PeerChange endpoints(long id, String endpoint) {
        return new PeerChange(id, null, null, List.of(endpoint), null, null, null, null);
    }

    @Test
    void aPatchToThePendingVersionReusesTheHubsSharedPatchedNode() {
        EncodedNode before = EncodedNode.of(NetMapHubTest.node(3));
        PeerChange change = endpoints(3, "198.18.0.3:41641");
        EncodedNode after = EncodedNode.of(before.node().with(change));
        delta.peerChanged(before, ALICE);
        delta.peerPatched(change, before, after);
        PreparedMapResponse r = delta.drain(1, 2, T);
        assertThat(r.peersChanged()).containsExactly(after);
        assertThat(r.peersChangedPatch()).isNull();
    }

    @Test
    void aPatchToAnotherPendingVersionIsAppliedToThatVersion() {
        EncodedNode older = EncodedNode.of(NetMapHubTest.node(3));
        EncodedNode hubs = EncodedNode.of(older.node().with(PeerChange.online(3, true, null)));
        PeerChange change = endpoints(3, "198.18.0.3:41641");
        delta.peerChanged(older, ALICE);
        delta.peerPatched(change, hubs, EncodedNode.of(hubs.node().with(change)));
        Node sent = delta.drain(1, 2, T).peersChanged().getFirst().node();
        assertThat(sent).isEqualTo(older.node().with(change));
        assertThat(sent.online()).isNull();
    }

    @Test
    void patchesWithoutAPendingNodeMergeAndAWholeNodeReplacesThem() {
        EncodedNode n = EncodedNode.of(NetMapHubTest.node(4));
        delta.peerPatched(endpoints(4, "198.18.0.4:1"), n, n);
        delta.peerPatched(PeerChange.online(4, true, null), n, n);
        PreparedMapResponse first = delta.drain(1, 2, T);
        assertThat(first.peersChanged()).isNull();
        assertThat(first.peersChangedPatch()).containsExactly(
                new PeerChange(4, true, null, List.of("198.18.0.4:1"), null, null, null, null));

        delta.peerPatched(endpoints(4, "198.18.0.4:2"), n, n);
        delta.peerChanged(n, ALICE);
        PreparedMapResponse second = delta.drain(1, 3, T);
        assertThat(second.peersChangedPatch()).isNull();
        assertThat(second.peersChanged()).containsExactly(n);
        assertThat(delta.isEmpty()).isTrue();
    }

    @Test
    void eachOwnerIsListedOnce() {
        for (int i = 10; i < 20; i++) {
            delta.peerChanged(EncodedNode.of(NetMapHubTest.node(i)), i % 3 == 0 ? BOB : ALICE);
        }
        PreparedMapResponse r = delta.drain(1, 2, T);
        assertThat(r.userProfiles()).containsExactly(ALICE, BOB);
        delta.peerChanged(EncodedNode.of(NetMapHubTest.node(30)), ALICE);
        assertThat(delta.drain(1, 3, T).userProfiles()).containsExactly(ALICE);
    }

    @Test
    void aLargeDeltaLeavesNothingBehind() {
        for (int i = 0; i < 1000; i++) {
            delta.peerChanged(EncodedNode.of(NetMapHubTest.node(1 + i % 250)), ALICE);
            delta.peerRemoved(5000 + i);
        }
        PreparedMapResponse big = delta.drain(1, 2, T);
        assertThat(big.peersChanged()).hasSize(250);
        assertThat(big.peersRemoved()).hasSize(1000);
        assertThat(delta.isEmpty()).isTrue();
        delta.peerRemoved(7);
        assertThat(delta.drain(1, 3, T).peersRemoved()).containsExactly(7L);
    }
}
