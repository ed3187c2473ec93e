package dev.trellis.engine.natlab;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.engine.wg.Device;
import dev.trellis.engine.wg.DeviceUpdate;
import dev.trellis.engine.wg.PeerUpdate;
import dev.trellis.engine.wg.WgConstants;
import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.key.PresharedKey;
import dev.trellis.protocol.net.IpPrefix;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * Real WireGuard devices over the simulated network in real-time mode: A sits behind an
 * endpoint-independent, port-restricted NAT, B on the simulated internet.
 */
class DeviceOverNatTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void handshakeAndPacketsBothWaysAcrossAnEimNat() throws Exception {
        try (Sim sim = Sim.realTime(11)) {
            Network internet = sim.network("internet", "198.18.0.0/16");
            Network lan = sim.network("home", "192.168.1.0/24");
            Nat nat = sim.nat("router", lan, "192.168.1.1", internet, "198.18.0.10", NatConfig.easy());
            SimBind bindA = sim.host("a", lan, "192.168.1.2").bind();
            SimBind bindB = sim.host("b", internet, "198.18.0.2").bind();
            NodePrivateKey keyA = NodePrivateKey.generate();
            NodePrivateKey keyB = NodePrivateKey.generate();
            MemoryTun tunA = new MemoryTun("a0");
            MemoryTun tunB = new MemoryTun("b0");
            Device a = new Device("a0", tunA, bindA, sim.clock(), WgConstants.DEFAULT);
            Device b = new Device("b0", tunB, bindB, sim.clock(), WgConstants.DEFAULT);
            try {
                a.start();
                b.start();
                // B is told A's public mapping by hand: the NAT preserves A's port
                InetSocketAddress aPublic = new InetSocketAddress(nat.publicAddress(), bindA.port());
                a.apply(config(keyA, keyB, bindB.localAddress(), "100.64.0.2/32"));
                b.apply(config(keyB, keyA, aPublic, "100.64.0.1/32"));

                byte[] ping = udp4("100.64.0.1", "100.64.0.2", "hello through the NAT".getBytes(StandardCharsets.UTF_8));
                tunA.inject(ping);
                assertThat(tunB.awaitDelivered(WAIT)).isEqualTo(ping);
                assertThat(nat.mapping(bindA.localAddress(), bindB.localAddress())).contains(aPublic);

                byte[] pong = udp4("100.64.0.2", "100.64.0.1", "and back".getBytes(StandardCharsets.UTF_8));
                tunB.inject(pong);
                assertThat(tunA.awaitDelivered(WAIT)).isEqualTo(pong);
                assertThat(b.status().peers().getFirst().endpoint()).contains(aPublic);
                assertThat(sim.failure()).isNull();
            } finally {
                a.close();
                b.close();
            }
        }
    }

    @Test
    void theResponderCannotReachANattedPeerFirst() throws Exception {
        try (Sim sim = Sim.realTime(12)) {
            Network internet = sim.network("internet", "198.18.0.0/16");
            Network lan = sim.network("home", "192.168.1.0/24");
            Nat nat = sim.nat("router", lan, "192.168.1.1", internet, "198.18.0.10", NatConfig.easy());
            SimBind bindA = sim.host("a", lan, "192.168.1.2").bind();
            SimBind bindB = sim.host("b", internet, "198.18.0.2").bind();
            NodePrivateKey keyA = NodePrivateKey.generate();
            NodePrivateKey keyB = NodePrivateKey.generate();
            MemoryTun tunA = new MemoryTun("a0");
            MemoryTun tunB = new MemoryTun("b0");
            Device a = new Device("a0", tunA, bindA, sim.clock(), WgConstants.DEFAULT);
            Device b = new Device("b0", tunB, bindB, sim.clock(), WgConstants.DEFAULT);
            try {
                a.start();
                b.start();
                InetSocketAddress aPublic = new InetSocketAddress(nat.publicAddress(), bindA.port());
                a.apply(config(keyA, keyB, bindB.localAddress(), "100.64.0.2/32"));
                b.apply(config(keyB, keyA, aPublic, "100.64.0.1/32"));
                tunB.inject(udp4("100.64.0.2", "100.64.0.1", new byte[8]));
                long deadline = System.nanoTime() + WAIT.toNanos();
                // no mapping yet, so the router's own (closed) port gets it and drops it
                while (nat.machine().dropped() == 0) {
                    assertThat(System.nanoTime()).as("B's initiation reaching the NAT").isLessThan(deadline);
                    Thread.sleep(5);
                }
                assertThat(tunA.awaitDelivered(Duration.ofMillis(200))).isNull();
                assertThat(nat.mappingCount()).isZero();
            } finally {
                a.close();
                b.close();
            }
        }
    }

    private static DeviceUpdate config(NodePrivateKey self, NodePrivateKey peer, InetSocketAddress endpoint,
            String allowed) {
        return new DeviceUpdate(Optional.of(self), OptionalInt.empty(), OptionalInt.empty(), false,
                List.of(new PeerUpdate(peer.publicKey(), false, false, Optional.of(PresharedKey.NONE),
                        Optional.of(endpoint), OptionalInt.empty(), true, List.of(IpPrefix.parse(allowed)))));
    }

    /** A minimal IPv4/UDP packet (checksums zero) for the TUN. */
    static byte[] udp4(String src, String dst, byte[] payload) {
        int total = 20 + 8 + payload.length;
        ByteBuffer b = ByteBuffer.allocate(total);
        b.put((byte) 0x45).put((byte) 0).putShort((short) total).putInt(0).put((byte) 64).put((byte) 17).putShort((short) 0);
        b.put(IpPrefix.parseNumericAddress(src)).put(IpPrefix.parseNumericAddress(dst));
        b.putShort((short) 1234).putShort((short) 5678).putShort((short) (8 + payload.length)).putShort((short) 0);
        b.put(payload);
        return b.array();
    }
}
