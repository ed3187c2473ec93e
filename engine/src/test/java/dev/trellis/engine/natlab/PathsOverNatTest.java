package dev.trellis.engine.natlab;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.engine.paths.PathBind;
import dev.trellis.engine.paths.PathStatus;
import dev.trellis.engine.paths.PathTiming;
import dev.trellis.engine.paths.PeerInfo;
import dev.trellis.engine.paths.SelfNetwork;
import dev.trellis.engine.wg.Device;
import dev.trellis.engine.wg.DeviceUpdate;
import dev.trellis.engine.wg.PeerUpdate;
import dev.trellis.engine.wg.WgConstants;
import dev.trellis.protocol.control.NetInfo;
import dev.trellis.protocol.key.DiscoPrivateKey;
import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.key.PresharedKey;
import dev.trellis.protocol.net.IpPrefix;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The paths layer with real WireGuard devices over simulated NATs (real time): every
 * conversation starts through the relay, goes direct when the NATs allow, stays relayed (and
 * says why) when they don't, and falls back to the relay when the direct path dies.
 */
class PathsOverNatTest {
    private static final PathTiming FAST = new PathTiming(Duration.ofMillis(50), Duration.ofSeconds(1),
            Duration.ofMillis(1000), Duration.ofMillis(300), Duration.ofSeconds(5), Duration.ofMillis(500),
            Duration.ofSeconds(5), Duration.ofMillis(100));
    private static final Duration DEADLINE = Duration.ofSeconds(15);

    private final Sim sim = Sim.realTime(21);
    private final SimRelay relay = new SimRelay();
    private final Network internet = sim.network("internet", "198.18.0.0/16");
    private final List<Node> nodes = new ArrayList<>();

    /** One node: its device, bind, tun and how peers see it. */
    private final class Node {
        final NodePrivateKey key = NodePrivateKey.generate();
        final DiscoPrivateKey disco = DiscoPrivateKey.generate();
        final MemoryTun tun;
        final PathBind bind;
        final Device device;
        final String tunnelIp;
        final List<InetSocketAddress> endpoints = new ArrayList<>();
        final SimBind socket;
        NetInfo netInfo;

        Node(String name, SimBind socket, String tunnelIp) throws Exception {
            this.socket = socket;
            this.tunnelIp = tunnelIp;
            tun = new MemoryTun(name);
            bind = new PathBind(socket, relay.transport(key.publicKey(), 1), disco, FAST, System::nanoTime, true);
            bind.setSelf(key.publicKey());
            device = new Device(name, tun, bind, sim.clock(), WgConstants.DEFAULT);
            device.start();
            device.apply(new DeviceUpdate(Optional.of(key), OptionalInt.empty(), OptionalInt.empty(), false, List.of()));
            nodes.add(this);
        }

        PeerInfo info() {
            return new PeerInfo(key.publicKey(), disco.publicKey(), endpoints, 1, netInfo);
        }

        void knows(Node peer) throws Exception {
            bind.setLocalEndpoints(endpoints);
            bind.setPeers(List.of(peer.info()));
            InetSocketAddress ep = bind.endpointFor(peer.key.publicKey());
            device.apply(new DeviceUpdate(Optional.empty(), OptionalInt.empty(), OptionalInt.empty(), false,
                    List.of(new PeerUpdate(peer.key.publicKey(), false, false, Optional.of(PresharedKey.NONE),
                            Optional.of(ep), OptionalInt.empty(), true, List.of(IpPrefix.parse(peer.tunnelIp + "/32"))))));
        }

        PathStatus pathTo(Node peer) {
            return bind.status(peer.key.publicKey());
        }
    }

    private Node publicNode(String name, String ip, String tunnelIp) throws Exception {
        SimBind s = sim.host(name, internet, ip).bind();
        Node n = new Node(name, s, tunnelIp);
        n.endpoints.add(new InetSocketAddress(ip, s.port()));
        return n;
    }

    private Node nattedNode(String name, int index, NatConfig config, String tunnelIp) throws Exception {
        Network lan = sim.network(name + "-lan", "192.168." + index + ".0/24");
        Nat nat = sim.nat(name + "-nat", lan, "192.168." + index + ".1", internet, "198.18.0." + (10 + index), config);
        SimBind s = sim.host(name, lan, "192.168." + index + ".2").bind();
        Node n = new Node(name, s, tunnelIp);
        n.endpoints.add(new InetSocketAddress("192.168." + index + ".2", s.port()));
        // what STUN would have seen: right for a port-preserving EIM NAT, stale for a hard one
        n.endpoints.add(new InetSocketAddress(nat.publicAddress(), s.port()));
        return n;
    }

    private static void introduce(Node a, Node b) throws Exception {
        a.knows(b);
        b.knows(a);
    }

    @AfterEach
    void close() {
        nodes.forEach(n -> n.device.close());
        relay.close();
        sim.close();
    }

    /** Sends a packet A→B until {@code until} holds for A's path to B; checks each one arrives. */
    private static void trafficUntil(Node a, Node b, String what, Predicate<PathStatus> until) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        int seq = 0;
        while (!until.test(a.pathTo(b))) {
            assertThat(System.nanoTime()).as(what + "; A's path to B is " + a.pathTo(b)).isLessThan(deadline);
            byte[] p = DeviceOverNatTest.udp4(a.tunnelIp, b.tunnelIp, ("packet " + seq++).getBytes(StandardCharsets.UTF_8));
            a.tun.inject(p);
            assertThat(b.tun.awaitDelivered(Duration.ofSeconds(5))).as("packet %d A→B", seq).isEqualTo(p);
            byte[] q = DeviceOverNatTest.udp4(b.tunnelIp, a.tunnelIp, ("reply " + seq).getBytes(StandardCharsets.UTF_8));
            b.tun.inject(q);
            assertThat(a.tun.awaitDelivered(Duration.ofSeconds(5))).as("reply %d B→A", seq).isEqualTo(q);
        }
    }

    @Test
    void theFirstPacketGoesThroughTheRelayThenBothEasyNatsPunchThrough() throws Exception {
        Node a = nattedNode("a", 1, NatConfig.easy(), "100.64.0.1");
        Node b = nattedNode("b", 2, NatConfig.easy(), "100.64.0.2");
        introduce(a, b);

        byte[] first = DeviceOverNatTest.udp4("100.64.0.1", "100.64.0.2", "first".getBytes(StandardCharsets.UTF_8));
        a.tun.inject(first);
        assertThat(b.tun.awaitDelivered(Duration.ofSeconds(5))).isEqualTo(first);
        assertThat(relay.forwarded()).as("the handshake went through the relay").isPositive();

        trafficUntil(a, b, "going direct", s -> s.direct() != null);
        assertThat(a.pathTo(b).direct().getAddress()).isEqualTo(b.endpoints.get(1).getAddress());
        trafficUntil(b, a, "B going direct too", s -> s.direct() != null);
        assertThat(a.pathTo(b).whyRelayed()).isNull();
        assertThat(a.pathTo(b).latency()).isNotNull();
    }

    @Test
    void twoHardNatsStayRelayedAndSayWhy() throws Exception {
        Node a = nattedNode("a", 1, NatConfig.hard(), "100.64.0.1");
        Node b = nattedNode("b", 2, NatConfig.hard(), "100.64.0.2");
        a.netInfo = new NetInfo(true, true, false, 1, null);
        b.netInfo = new NetInfo(true, true, false, 1, null);
        a.bind.setSelfNetwork(new SelfNetwork(true, true));
        b.bind.setSelfNetwork(new SelfNetwork(true, true));
        introduce(a, b);

        long until = System.nanoTime() + Duration.ofSeconds(2).toNanos(); // four discovery rounds
        trafficUntil(a, b, "two rounds of discovery", s -> System.nanoTime() > until);
        PathStatus s = a.pathTo(b);
        assertThat(s.direct()).isNull();
        assertThat(s.relayRegion()).isEqualTo(1);
        assertThat(s.whyRelayed()).contains("both nodes are behind NATs whose mapping varies by destination");
    }

    @Test
    void aHardNatFacingAPublicNodeGoesDirect() throws Exception {
        Node a = nattedNode("a", 1, NatConfig.hard(), "100.64.0.1");
        Node b = publicNode("b", "198.18.0.2", "100.64.0.2");
        introduce(a, b);
        trafficUntil(a, b, "A direct to B", s -> s.direct() != null);
        trafficUntil(b, a, "B direct to A's per-destination mapping", s -> s.direct() != null);
        assertThat(b.pathTo(a).direct()).isNotIn(a.endpoints);
    }

    @Test
    void whenTheDirectPathDiesTrafficFallsBackToTheRelay() throws Exception {
        Node a = publicNode("a", "198.18.0.1", "100.64.0.1");
        Node b = publicNode("b", "198.18.0.2", "100.64.0.2");
        introduce(a, b);
        trafficUntil(a, b, "direct", s -> s.direct() != null);

        internet.setFilter(p -> false); // the direct wire is cut; the relay still works
        // what is sent while the dead path is still trusted is lost, as with any UDP path; each
        // side's trust lapses on its own clock, so wait for both
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (a.pathTo(b).direct() != null || b.pathTo(a).direct() != null) {
            assertThat(System.nanoTime()).as("falling back; A's path is " + a.pathTo(b) + ", B's " + b.pathTo(a))
                    .isLessThan(deadline);
            a.tun.inject(DeviceOverNatTest.udp4(a.tunnelIp, b.tunnelIp, new byte[8]));
            b.tun.inject(DeviceOverNatTest.udp4(b.tunnelIp, a.tunnelIp, new byte[8]));
            a.tun.awaitDelivered(Duration.ofMillis(100));
        }
        while (b.tun.awaitDelivered(Duration.ZERO) != null || a.tun.awaitDelivered(Duration.ZERO) != null) {
            // drain what arrived during the switch
        }
        trafficUntil(a, b, "relayed, because pings go unanswered",
                s -> s.direct() == null && s.whyRelayed().contains("got no answer"));

        internet.setFilter(p -> true);
        trafficUntil(a, b, "direct again", s -> s.direct() != null);
    }
}
