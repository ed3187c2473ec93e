package dev.trellis.engine.natlab;

import static dev.trellis.engine.natlab.SimNetworkTest.ep;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Two peers behind their own NATs learn their public endpoints from a STUN-like server and then
 * both send to each other at once: the simplest hole punch.
 */
class HolePunchTest {
    private final Sim sim = Sim.stepped(new SimClock(), 3);
    private final Network internet = sim.network("internet", "198.18.0.0/16");
    private SimBind stun;

    private SimBind peerBehind(String name, String lanPrefix, String lanIp, String routerLan, String wanIp,
            NatConfig cfg) throws Exception {
        Network lan = sim.network(name + "-lan", lanPrefix);
        sim.nat(name + "-router", lan, routerLan, internet, wanIp, cfg);
        SimBind b = sim.host(name, lan, lanIp).bind();
        b.open(41641);
        return b;
    }

    /** What the STUN server sees as the peer's source address. */
    private InetSocketAddress discover(SimBind peer) throws Exception {
        peer.send(new byte[] {0}, stun.localAddress());
        sim.deliverAll();
        return stun.poll().src();
    }

    /** Both peers send to each other's discovered endpoint a few times; true if both heard the other. */
    private boolean punch(NatConfig cfgA, NatConfig cfgB) throws Exception {
        stun = sim.host("stun", internet, "198.18.100.1").bind();
        stun.open(3478);
        // the two LANs reuse the same private prefix, as real homes do
        SimBind a = peerBehind("a", "192.168.1.0/24", "192.168.1.2", "192.168.1.1", "198.18.0.10", cfgA);
        SimBind b = peerBehind("b", "192.168.1.0/24", "192.168.1.2", "192.168.1.1", "198.18.0.20", cfgB);
        InetSocketAddress aPub = discover(a);
        InetSocketAddress bPub = discover(b);
        boolean aHeard = false;
        boolean bHeard = false;
        for (int round = 0; round < 3; round++) {
            a.send(new byte[] {1}, bPub);
            b.send(new byte[] {2}, aPub);
            sim.advance(Duration.ofMillis(100));
            aHeard |= a.poll() != null;
            bHeard |= b.poll() != null;
        }
        return aHeard && bHeard;
    }

    @Test
    void twoEndpointIndependentNatsPunchThrough() throws Exception {
        assertThat(punch(NatConfig.easy(), NatConfig.easy())).isTrue();
    }

    @Test
    void twoSymmetricNatsDoNot() throws Exception {
        assertThat(punch(NatConfig.hard(), NatConfig.hard())).isFalse();
    }

    @Test
    void oneSideSendingAloneIsNotEnoughThroughPortRestrictedFiltering() throws Exception {
        stun = sim.host("stun", internet, "198.18.100.1").bind();
        stun.open(3478);
        SimBind a = peerBehind("a", "192.168.1.0/24", "192.168.1.2", "192.168.1.1", "198.18.0.10", NatConfig.easy());
        SimBind b = peerBehind("b", "10.0.0.0/24", "10.0.0.2", "10.0.0.1", "198.18.0.20", NatConfig.easy());
        discover(a);
        InetSocketAddress bPub = discover(b);
        a.send(new byte[] {1}, bPub);
        sim.deliverAll();
        assertThat(b.poll()).isNull();
    }
}
