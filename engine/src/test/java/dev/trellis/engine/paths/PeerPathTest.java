package dev.trellis.engine.paths;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.protocol.control.NetInfo;
import dev.trellis.protocol.key.DiscoPrivateKey;
import dev.trellis.protocol.key.NodePrivateKey;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The disco state machine alone, on a hand-driven clock. */
class PeerPathTest {
    private static final long MS = 1_000_000L;
    private static final InetSocketAddress LAN = new InetSocketAddress("198.18.5.2", 41641);
    private static final InetSocketAddress WAN = new InetSocketAddress("198.18.0.12", 41641);
    private final DiscoPrivateKey mine = DiscoPrivateKey.generate();
    private final DiscoPrivateKey theirs = DiscoPrivateKey.generate();
    private final PeerPath path = new PeerPath(NodePrivateKey.generate().publicKey(),
            new InetSocketAddress("100::1", 1), PathTiming.DEFAULT);

    private void known(List<InetSocketAddress> endpoints) {
        path.update(new PeerInfo(path.key, theirs.publicKey(), endpoints, 1, null), mine);
    }

    private static List<PeerPath.Ping> pings(List<PeerPath.Action> actions) {
        List<PeerPath.Ping> out = new ArrayList<>();
        actions.forEach(a -> {
            if (a instanceof PeerPath.Ping p) {
                out.add(p);
            }
        });
        return out;
    }

    @Test
    void startsRelayedDiscoversAndTrustsAPongForAWhile() {
        known(List.of(LAN, WAN));
        assertThat(path.route(0)).as("relay first").isNull();
        assertThat(path.wantsDiscovery(0)).isTrue();
        List<PeerPath.Action> round = path.discover(0);
        assertThat(pings(round)).extracting(PeerPath.Ping::to).containsExactly(LAN, WAN);
        assertThat(round).hasAtLeastOneElementOfType(PeerPath.CallMeMaybe.class);
        assertThat(path.wantsDiscovery(1000 * MS)).as("rounds are rate-limited").isFalse();

        PeerPath.PongResult r = path.onPong(pings(round).get(1).tx(), 3 * MS);
        assertThat(r.via()).isEqualTo(WAN);
        assertThat(r.nowDirect()).isTrue();
        assertThat(path.route(10 * MS)).isEqualTo(WAN);
        assertThat(path.status(10 * MS, SelfNetwork.UNKNOWN).latency()).isEqualTo(Duration.ofMillis(3));
        assertThat(path.onPong(pings(round).get(1).tx(), 4 * MS)).as("a pong counts once").isNull();
        // trust lapses without heartbeats answered: back to the relay
        assertThat(path.route(3 * MS + PathTiming.DEFAULT.trustUdp().toNanos())).isNull();
    }

    @Test
    void heartbeatsKeepAnActivePathAndStopWhenIdle() {
        known(List.of(WAN));
        PeerPath.Ping p = pings(path.discover(0)).getFirst();
        path.onPong(p.tx(), MS);
        path.route(MS);
        List<PeerPath.Ping> beat = pings(path.tick(3001 * MS));
        assertThat(beat).extracting(PeerPath.Ping::to).containsExactly(WAN);
        path.onPong(beat.getFirst().tx(), 3002 * MS);
        assertThat(path.route(9000 * MS)).as("renewed by the heartbeat's pong").isEqualTo(WAN);
        assertThat(pings(path.tick(60_000 * MS))).as("idle for a minute: quiet").isEmpty();
    }

    @Test
    void aBetterAddressWinsOnlyWhenClearlyFaster() {
        known(List.of(LAN, WAN));
        List<PeerPath.Ping> round = pings(path.discover(0));
        path.onPong(round.get(1).tx(), 10 * MS);           // WAN, 10 ms
        assertThat(path.onPong(round.get(0).tx(), 9_500_000L).nowDirect()).as("9.5 ms is not 10 % better").isFalse();
        round = pings(path.discover(100 * MS));
        path.onPong(round.get(0).tx(), 102 * MS);           // LAN, 2 ms
        assertThat(path.route(103 * MS)).isEqualTo(LAN);
    }

    @Test
    void aPingFromANewAddressIsAnsweredWithAPingBackOncePerInterval() {
        known(List.of());
        InetSocketAddress src = new InetSocketAddress("198.18.0.99", 5555);
        assertThat(pings(path.onPing(src, 0))).extracting(PeerPath.Ping::to).containsExactly(src);
        assertThat(path.onPing(src, 500 * MS)).isEmpty();
        assertThat(pings(path.onPing(src, 1000 * MS))).hasSize(1);
        assertThat(path.onPing(null, 2000 * MS)).as("a relayed ping opens no hole").isEmpty();
    }

    @Test
    void aCallMeMaybeWithoutTheAddressInUseMeansThePeerMoved() {
        known(List.of(WAN));
        path.onPong(pings(path.discover(0)).getFirst().tx(), MS);
        InetSocketAddress moved = new InetSocketAddress("198.18.0.77", 41641);
        List<PeerPath.Ping> out = pings(path.onCallMeMaybe(List.of(moved), 2 * MS));
        assertThat(path.route(3 * MS)).as("relay at once, not into the void").isNull();
        assertThat(out).extracting(PeerPath.Ping::to).containsExactly(moved);
    }

    @Test
    void candidatesAndPendingPingsAreBounded() {
        known(List.of());
        for (int i = 0; i < 500; i++) {
            path.onPing(new InetSocketAddress("198.18.1." + (i % 250 + 1), 1000 + i), i * 2000 * MS);
        }
        assertThat(path.status(0, SelfNetwork.UNKNOWN).candidates()).isEqualTo(PeerPath.MAX_CANDIDATES);
        for (int i = 0; i < 500; i++) {
            path.relayPing(i);
        }
        // the 64 newest are still answerable, the oldest are not
        assertThat(path.onPong(path.relayPing(501).tx(), 502)).isNotNull();
    }

    @Test
    void aNewDiscoKeyForgetsWhatWasLearned() {
        known(List.of(WAN));
        path.onPong(pings(path.discover(0)).getFirst().tx(), MS);
        path.update(new PeerInfo(path.key, DiscoPrivateKey.generate().publicKey(), List.of(WAN), 1, null), mine);
        assertThat(path.route(2 * MS)).isNull();
        assertThat(path.wantsDiscovery(2 * MS)).isTrue();
    }

    @Test
    void explainsRelayedPaths() {
        known(List.of(WAN));
        assertThat(path.status(0, new SelfNetwork(false, null)).whyRelayed()).contains("UDP is blocked on this node");
        path.update(new PeerInfo(path.key, theirs.publicKey(), List.of(WAN), 1,
                new NetInfo(true, true, false, 1, null)), mine);
        assertThat(path.status(0, new SelfNetwork(true, true)).whyRelayed()).contains("both nodes are behind NATs");
        assertThat(path.status(0, new SelfNetwork(true, false)).whyRelayed()).contains("no traffic yet");
        path.route(0);
        path.discover(0);
        path.tick(PathTiming.DEFAULT.pingTimeout().toNanos() + 1);
        assertThat(path.status(PathTiming.DEFAULT.pingTimeout().toNanos() + 2, new SelfNetwork(true, false)).whyRelayed())
                .contains("the peer's NAT maps by destination", "got no answer");
        path.update(new PeerInfo(path.key, null, List.of(WAN), 1, null), mine);
        assertThat(path.status(0, SelfNetwork.UNKNOWN).whyRelayed()).contains("no disco key");
    }
}
