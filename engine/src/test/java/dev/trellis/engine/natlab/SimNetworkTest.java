package dev.trellis.engine.natlab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The plain network: addressing, routing, sockets, impairments. */
class SimNetworkTest {
    private final SimClock clock = new SimClock();
    private final Sim sim = Sim.stepped(clock, 1);
    private final Network internet = sim.network("internet", "198.18.0.0/16");

    static InetSocketAddress ep(String ip, int port) {
        return new InetSocketAddress(ip, port);
    }

    @Test
    void twoMachinesExchangeDatagrams() throws Exception {
        SimBind a = sim.host("a", internet, "198.18.0.1").bind();
        SimBind b = sim.host("b", internet, "198.18.0.2").bind();
        assertThat(a.open(0)).isEqualTo(Machine.EPHEMERAL_FIRST);
        assertThat(b.open(4000)).isEqualTo(4000);

        a.send("ping".getBytes(StandardCharsets.UTF_8), ep("198.18.0.2", 4000));
        assertThat(b.poll()).as("nothing moves until delivered").isNull();
        assertThat(sim.deliverAll()).isEqualTo(1);
        Packet got = b.poll();
        assertThat(got.src()).isEqualTo(a.localAddress());
        assertThat(got.payload()).asString(StandardCharsets.UTF_8).isEqualTo("ping");

        b.send("pong".getBytes(StandardCharsets.UTF_8), got.src());
        sim.deliverAll();
        ByteBuffer buf = ByteBuffer.allocate(2);
        assertThat(a.receive(buf)).isEqualTo(ep("198.18.0.2", 4000));
        assertThat(buf.position()).as("truncated to the buffer").isEqualTo(2);
    }

    @Test
    void portsAreExclusiveAndFreedOnClose() throws Exception {
        Machine m = sim.host("a", internet, "198.18.0.1");
        SimBind a = m.bind();
        a.open(5000);
        assertThatThrownBy(() -> m.bind().open(5000)).isInstanceOf(BindException.class).hasMessageContaining("5000");
        a.close();
        assertThat(m.bind().open(5000)).isEqualTo(5000);
    }

    @Test
    void closeWakesABlockedReceiveAndLaterCallsFail() throws Exception {
        SimBind a = sim.host("a", internet, "198.18.0.1").bind();
        a.open(0);
        CompletableFuture<Throwable> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                a.receive(ByteBuffer.allocate(100));
                return null;
            } catch (Exception e) {
                return e;
            }
        });
        Thread.sleep(20); // give it a chance to block; the outcome does not depend on it
        a.close();
        assertThat(blocked.get(5, TimeUnit.SECONDS)).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> a.receive(ByteBuffer.allocate(10))).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> a.send(new byte[1], ep("198.18.0.2", 1))).isInstanceOf(ClosedChannelException.class);
        a.open(0); // a bind may be opened again
        assertThat(a.poll()).isNull();
    }

    @Test
    void unknownAndPrivateDestinationsAreDropped() throws Exception {
        Machine am = sim.host("a", internet, "198.18.0.1");
        SimBind a = am.bind();
        a.open(0);
        a.send(new byte[1], ep("198.18.0.99", 1)); // nobody there
        a.send(new byte[1], ep("192.168.1.1", 1)); // private space is not routed on the internet
        sim.deliverAll();
        assertThat(internet.dropped()).isEqualTo(2);

        SimBind b = sim.host("b", internet, "198.18.0.2").bind();
        b.open(0);
        a.send(new byte[1], ep("198.18.0.2", 1)); // host there, port closed
        sim.deliverAll();
        assertThat(b.machine().dropped()).isEqualTo(1);
    }

    @Test
    void aMachineWithoutARouteSaysSo() throws Exception {
        Machine lonely = sim.machine("lonely");
        SimBind b = lonely.bind();
        b.open(0);
        assertThatThrownBy(() -> b.send(new byte[1], ep("198.18.0.1", 1))).isInstanceOf(NoRouteToHostException.class);
    }

    @Test
    void onlySimulationAddressSpaceIsAccepted() {
        assertThatThrownBy(() -> sim.network("real", "8.8.8.0/24")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("198.18.0.0/15");
        assertThatThrownBy(() -> sim.network("wide", "198.0.0.0/8")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sim.host("x", internet, "10.0.0.1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not in internet");
        sim.host("y", internet, "198.18.0.5");
        assertThatThrownBy(() -> sim.host("z", internet, "198.18.0.5")).hasMessageContaining("already used");
    }

    @Test
    void latencyIsVirtualTime() throws Exception {
        internet.setImpairment(new Impairment(0, Duration.ofMillis(30), Duration.ZERO));
        SimBind a = sim.host("a", internet, "198.18.0.1").bind();
        SimBind b = sim.host("b", internet, "198.18.0.2").bind();
        a.open(0);
        b.open(7);
        a.send(new byte[1], ep("198.18.0.2", 7));
        sim.deliverAll();
        assertThat(b.poll()).isNull();
        sim.advance(Duration.ofMillis(29));
        assertThat(b.poll()).isNull();
        sim.advance(Duration.ofMillis(1));
        assertThat(b.poll()).isNotNull();
        assertThat(clock.nanos()).isEqualTo(Duration.ofMillis(30).toNanos());
    }

    @Test
    void lossAndReorderingAreRepeatableForASeed() throws Exception {
        assertThat(lossyRun(42)).isEqualTo(lossyRun(42));
        List<Integer> run = lossyRun(42);
        assertThat(run.size()).isBetween(60, 90); // about 25% of 100 lost
        assertThat(run).isNotEqualTo(run.stream().sorted().toList());
    }

    private static List<Integer> lossyRun(long seed) throws Exception {
        Sim s = Sim.stepped(new SimClock(), seed);
        Network net = s.network("internet", "198.18.0.0/16");
        net.setImpairment(new Impairment(0.25, Duration.ofMillis(10), Duration.ofMillis(20)));
        SimBind a = s.host("a", net, "198.18.0.1").bind();
        SimBind b = s.host("b", net, "198.18.0.2").bind();
        a.open(0);
        b.open(9);
        for (int i = 0; i < 100; i++) {
            a.send(new byte[] {(byte) i}, ep("198.18.0.2", 9));
            s.advance(Duration.ofMillis(1));
        }
        s.advance(Duration.ofSeconds(1));
        List<Integer> got = new ArrayList<>();
        for (Packet p; (p = b.poll()) != null; ) {
            got.add(p.payload()[0] & 0xff);
        }
        return got;
    }

    @Test
    void filterCanObserveAndCut() throws Exception {
        List<Packet> seen = new ArrayList<>();
        internet.setFilter(p -> seen.add(p) && p.length() < 10);
        SimBind a = sim.host("a", internet, "198.18.0.1").bind();
        SimBind b = sim.host("b", internet, "198.18.0.2").bind();
        a.open(0);
        b.open(9);
        a.send(new byte[5], ep("198.18.0.2", 9));
        a.send(new byte[50], ep("198.18.0.2", 9));
        sim.deliverAll();
        assertThat(seen).hasSize(2);
        assertThat(b.poll().length()).isEqualTo(5);
        assertThat(b.poll()).isNull();
    }

    @Test
    void oversizedDatagramIsRefused() throws Exception {
        SimBind a = sim.host("a", internet, "198.18.0.1").bind();
        a.open(0);
        assertThatThrownBy(() -> a.send(new byte[Packet.MAX_PAYLOAD + 1], ep("198.18.0.2", 9)))
                .hasMessageContaining("exceeds");
    }
}
