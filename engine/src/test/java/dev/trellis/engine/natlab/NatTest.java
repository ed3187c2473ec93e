package dev.trellis.engine.natlab;

import static dev.trellis.engine.natlab.SimNetworkTest.ep;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.engine.natlab.NatConfig.Filtering;
import dev.trellis.engine.natlab.NatConfig.Mapping;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** RFC 4787 mapping, filtering, timeout and hairpinning of {@link Nat}. */
class NatTest {
    static final InetSocketAddress S1 = ep("198.18.1.1", 3478);
    static final InetSocketAddress S1_OTHER_PORT = ep("198.18.1.1", 3479);
    static final InetSocketAddress S2 = ep("198.18.2.2", 3478);

    private final SimClock clock = new SimClock();
    private final Sim sim = Sim.stepped(clock, 7);
    private final Network internet = sim.network("internet", "198.18.0.0/16");
    private final Network lan = sim.network("home", "192.168.1.0/24");
    private SimBind s1;
    private SimBind s1b;
    private SimBind s2;
    private SimBind client;
    private Nat nat;

    private void build(NatConfig cfg) throws Exception {
        nat = sim.nat("router", lan, "192.168.1.1", internet, "198.18.0.10", cfg);
        Machine m1 = sim.host("s1", internet, "198.18.1.1");
        s1 = m1.bind();
        s1.open(3478);
        s1b = m1.bind();
        s1b.open(3479);
        s2 = sim.host("s2", internet, "198.18.2.2").bind();
        s2.open(3478);
        client = sim.host("client", lan, "192.168.1.2").bind();
        client.open(40000);
    }

    /** Sends from the client to {@code server} and returns the source the server saw. */
    private InetSocketAddress seenBy(SimBind server, InetSocketAddress serverAddr) throws Exception {
        client.send(new byte[] {1}, serverAddr);
        sim.deliverAll();
        Packet p = server.poll();
        assertThat(p).as("packet reached %s", serverAddr).isNotNull();
        return p.src();
    }

    /** Whether a packet from {@code from} to {@code to} reaches the client. */
    private boolean reachesClient(SimBind from, InetSocketAddress to) throws Exception {
        from.send(new byte[] {2}, to);
        sim.deliverAll();
        return client.poll() != null;
    }

    @Test
    void endpointIndependentMappingIsStableAcrossDestinations() throws Exception {
        build(NatConfig.easy());
        InetSocketAddress a = seenBy(s1, S1);
        assertThat(a).isEqualTo(ep("198.18.0.10", 40000)); // port preserved
        assertThat(seenBy(s1b, S1_OTHER_PORT)).isEqualTo(a);
        assertThat(seenBy(s2, S2)).isEqualTo(a);
        assertThat(nat.mappingCount()).isEqualTo(1);
        assertThat(nat.mapping(client.localAddress(), S2)).contains(a);
    }

    @Test
    void addressAndPortDependentMappingDiffersPerDestination() throws Exception {
        build(NatConfig.hard());
        InetSocketAddress a = seenBy(s1, S1);
        InetSocketAddress b = seenBy(s1b, S1_OTHER_PORT);
        InetSocketAddress c = seenBy(s2, S2);
        assertThat(a.getAddress()).isEqualTo(nat.publicAddress());
        assertThat(a).isNotEqualTo(b).isNotEqualTo(c);
        assertThat(b).isNotEqualTo(c);
        assertThat(seenBy(s1, S1)).as("but stable for one destination").isEqualTo(a);
        assertThat(nat.mappingCount()).isEqualTo(3);
    }

    @Test
    void addressDependentMappingDiffersPerHostOnly() throws Exception {
        build(NatConfig.of(Mapping.ADDRESS_DEPENDENT, Filtering.ADDRESS_AND_PORT_DEPENDENT));
        InetSocketAddress a = seenBy(s1, S1);
        assertThat(seenBy(s1b, S1_OTHER_PORT)).isEqualTo(a);
        assertThat(seenBy(s2, S2)).isNotEqualTo(a);
    }

    @Test
    void unsolicitedInboundIsDroppedAndRepliesAllowed() throws Exception {
        build(NatConfig.easy());
        InetSocketAddress pub = ep("198.18.0.10", 40000);
        assertThat(reachesClient(s1, pub)).as("before any mapping").isFalse();
        seenBy(s1, S1);
        assertThat(reachesClient(s1, pub)).as("reply from the contacted endpoint").isTrue();
        assertThat(reachesClient(s1b, pub)).as("other port of the same host, port-restricted").isFalse();
        assertThat(reachesClient(s2, pub)).as("other host").isFalse();
        assertThat(nat.droppedInbound()).as("filtered by the mapping").isEqualTo(2);
        // plus the first, which had no mapping and so went to the router's own (closed) port
        assertThat(nat.machine().dropped()).as("all the router dropped").isEqualTo(3);
    }

    @Test
    void addressDependentFilteringAdmitsAnyPortOfAContactedHost() throws Exception {
        build(NatConfig.of(Mapping.ENDPOINT_INDEPENDENT, Filtering.ADDRESS_DEPENDENT));
        InetSocketAddress pub = seenBy(s1, S1);
        assertThat(reachesClient(s1b, pub)).isTrue();
        assertThat(reachesClient(s2, pub)).isFalse();
    }

    @Test
    void endpointIndependentFilteringAdmitsAnyoneOnceMapped() throws Exception {
        build(NatConfig.of(Mapping.ENDPOINT_INDEPENDENT, Filtering.ENDPOINT_INDEPENDENT));
        InetSocketAddress pub = ep("198.18.0.10", 40000);
        assertThat(reachesClient(s2, pub)).as("no mapping yet").isFalse();
        seenBy(s1, S1);
        assertThat(reachesClient(s2, pub)).isTrue();
        assertThat(reachesClient(s1b, pub)).isTrue();
    }

    @Test
    void mappingExpiresOnTheVirtualClock() throws Exception {
        build(NatConfig.easy().withTimeout(Duration.ofSeconds(30)).withPortPreservation(false));
        InetSocketAddress first = seenBy(s1, S1);
        sim.advance(Duration.ofSeconds(29));
        assertThat(reachesClient(s1, first)).as("just before the timeout").isTrue();
        sim.advance(Duration.ofSeconds(1));
        assertThat(reachesClient(s1, first)).as("idle for the whole timeout").isFalse();
        assertThat(nat.mappingCount()).isZero();
        InetSocketAddress second = seenBy(s1, S1);
        assertThat(second).as("a fresh random port").isNotEqualTo(first);
    }

    @Test
    void outboundTrafficKeepsAMappingAliveButInboundDoesNotByDefault() throws Exception {
        build(NatConfig.easy().withTimeout(Duration.ofSeconds(30)));
        InetSocketAddress pub = seenBy(s1, S1);
        for (int i = 0; i < 5; i++) {
            sim.advance(Duration.ofSeconds(20));
            assertThat(seenBy(s1, S1)).isEqualTo(pub); // keepalive
        }
        sim.advance(Duration.ofSeconds(20));
        assertThat(reachesClient(s1, pub)).isTrue();
        sim.advance(Duration.ofSeconds(10));
        assertThat(reachesClient(s1, pub)).as("inbound did not refresh it").isFalse();
    }

    @Test
    void hairpinningWhenEnabled() throws Exception {
        build(NatConfig.easy().withHairpinning(true));
        SimBind other = sim.host("other", lan, "192.168.1.3").bind();
        other.open(40001);
        InetSocketAddress clientPub = seenBy(s1, S1);
        InetSocketAddress otherPub = ep("198.18.0.10", 40001);
        // the other host sends first, opening its own mapping; then the client can answer it
        other.send(new byte[] {3}, clientPub);
        sim.deliverAll();
        assertThat(client.poll()).as("client has not sent to other's mapping: filtered").isNull();
        client.send(new byte[] {4}, otherPub);
        sim.deliverAll();
        Packet p = other.poll();
        assertThat(p).isNotNull();
        assertThat(p.src()).as("source is the client's external mapping").isEqualTo(clientPub);
        other.send(new byte[] {5}, clientPub);
        sim.deliverAll();
        assertThat(client.poll().src()).isEqualTo(otherPub);
    }

    @Test
    void noHairpinningByDefault() throws Exception {
        build(NatConfig.of(Mapping.ENDPOINT_INDEPENDENT, Filtering.ENDPOINT_INDEPENDENT));
        SimBind other = sim.host("other", lan, "192.168.1.3").bind();
        other.open(40001);
        InetSocketAddress clientPub = seenBy(s1, S1);
        other.send(new byte[] {3}, clientPub);
        sim.deliverAll();
        assertThat(client.poll()).isNull();
    }

    @Test
    void lanHostsTalkDirectlyWithoutTranslation() throws Exception {
        build(NatConfig.hard());
        SimBind other = sim.host("other", lan, "192.168.1.3").bind();
        other.open(7);
        client.send(new byte[] {1}, ep("192.168.1.3", 7));
        sim.deliverAll();
        assertThat(other.poll().src()).isEqualTo(ep("192.168.1.2", 40000));
        assertThat(nat.mappingCount()).isZero();
    }
}
