package dev.trellis.engine.natlab;

import static dev.trellis.engine.natlab.SimNetworkTest.ep;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The stateful firewall on a host and on a router. */
class FirewallTest {
    private final Sim sim = Sim.stepped(new SimClock(), 5);
    private final Network internet = sim.network("internet", "198.18.0.0/16");
    private final SimBind server;

    FirewallTest() throws Exception {
        server = sim.host("server", internet, "198.18.1.1").bind();
        server.open(3478);
    }

    private boolean arrives(SimBind from, SimBind to) throws Exception {
        from.send(new byte[] {1}, new java.net.InetSocketAddress(to.machine().address(), to.port()));
        sim.deliverAll();
        return to.poll() != null;
    }

    @Test
    void hostFirewallAllowsRepliesToRecentFlowsOnly() throws Exception {
        Machine hm = sim.host("host", internet, "198.18.0.5");
        Firewall fw = new Firewall(sim, internet, Duration.ofSeconds(30));
        hm.setHandler(fw);
        SimBind host = hm.bind();
        host.open(5000);
        assertThat(arrives(server, host)).as("unsolicited").isFalse();
        assertThat(arrives(host, server)).as("outbound").isTrue();
        assertThat(arrives(server, host)).as("reply").isTrue();
        SimBind otherPort = server.machine().bind();
        otherPort.open(9999);
        assertThat(arrives(otherPort, host)).as("from a port never contacted").isFalse();
        sim.advance(Duration.ofSeconds(30));
        assertThat(arrives(server, host)).as("flow expired").isFalse();
        assertThat(fw.dropped()).isEqualTo(3);
    }

    @Test
    void dropAllUdpBlocksBothWays() throws Exception {
        Machine hm = sim.host("host", internet, "198.18.0.5");
        Firewall fw = new Firewall(sim, internet, Duration.ofSeconds(30));
        hm.setHandler(fw);
        SimBind host = hm.bind();
        host.open(5000);
        assertThat(arrives(host, server)).isTrue();
        fw.setDropAllUdp(true);
        assertThat(arrives(server, host)).as("even a reply").isFalse();
        assertThat(arrives(host, server)).isFalse();
    }

    @Test
    void routerFirewallProtectsItsLan() throws Exception {
        Network lan = sim.network("office", "10.1.0.0/16");
        Machine router = sim.machine("fw");
        router.attach(internet, "198.18.0.1");
        Interface lanIf = router.attach(lan, "10.1.0.1");
        router.setForwarding(true);
        router.setHandler(new Firewall(sim, internet, Duration.ofSeconds(30)));
        lan.setGateway(lanIf);
        SimBind inside = sim.host("pc", lan, "10.1.0.2").bind();
        inside.open(6000);
        // no NAT: the server replies to the private address, which the internet cannot route;
        // so give the server a route to the office LAN through the firewall
        internet.setGateway(router.interfaces().getFirst());
        assertThat(arrives(server, inside)).as("unsolicited").isFalse();
        assertThat(arrives(inside, server)).isTrue();
        inside.send(new byte[] {1}, ep("198.18.1.1", 3478));
        sim.deliverAll();
        assertThat(server.poll().src()).isEqualTo(ep("10.1.0.2", 6000));
        assertThat(arrives(server, inside)).as("reply").isTrue();
    }
}
