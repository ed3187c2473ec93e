package dev.trellis.lab.mesh;

import static dev.trellis.lab.mesh.NatPairs.awaitPath;
import static dev.trellis.lab.mesh.NatPairs.direct;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.lab.Await;
import dev.trellis.protocol.localapi.PeerStatus;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Port mapping with real trellisd nodes behind {@link Nat#EDM_PMP} routers (endpoint-dependent
 * NAT plus miniupnpd serving PCP/NAT-PMP): two such nodes cannot hole-punch, but each maps its
 * WireGuard port on its gateway and announces the mapped address, so they go direct. The control
 * case runs the same NATs with {@code --no-port-mapping} and stays relayed.
 */
@Tag("root")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PortMappingEndToEndTest {
  private static final Duration SETTLE = NatPairs.SETTLE;
  private static final Duration TO_DIRECT = Duration.ofSeconds(30);
  private static final String WG_PORT = "41641";

  private NatPairs pairs;
  private NatLab lab;

  @RegisterExtension
  final TestWatcher report = NatPairs.diagnosticsOnFailure(() -> lab);

  @BeforeAll
  void startLab() {
    pairs = NatPairs.start(PortMappingEndToEndTest.class);
    lab = pairs.lab();
  }

  @AfterAll
  void stopLab() {
    if (pairs != null) {
      pairs.close();
    }
  }

  private List<MeshNode> pair(String a, String b, String... daemonArgs) {
    return pairs.pair(a, Nat.EDM_PMP, b, Nat.EDM_PMP, daemonArgs);
  }

  /** miniupnpd's DNAT rules on the host's NAT router (legacy iptables, where miniupnpd writes them). */
  private String miniupnpdRules(String host) {
    return lab.host(host).natNetns().exec("iptables-legacy", "-w", "-t", "nat", "-L", "MINIUPNPD", "-n").stdout();
  }

  private void assertConnected(MeshNode a, MeshNode b, int port) {
    pairs.assertConnected(a, b, port);
  }

  @Test
  @Order(1)
  void twoHardNatsWithPortMappingGoDirect() {
    List<MeshNode> n = pair("pmp1a", "pmp1b");
    MeshNode a = n.get(0);
    MeshNode b = n.get(1);
    for (String host : List.of("pmp1a", "pmp1b")) {
      String rules = Await.until("miniupnpd on " + host + "'s NAT to map UDP " + WG_PORT, SETTLE,
          () -> miniupnpdRules(host), r -> r.contains("dpt:" + WG_PORT));
      assertThat(rules).as("the mapping forwards to the node's LAN address").contains("udp");
      Measurements.report(PortMappingEndToEndTest.class, "miniupnpd_mapping", "host", host,
          "rules", rules.strip().replace('\n', '|'));
    }
    PeerStatus ab = awaitPath(a, b, "direct", TO_DIRECT, NatPairs::direct);
    PeerStatus ba = awaitPath(b, a, "direct", TO_DIRECT, NatPairs::direct);
    assertThat(ab.curAddr()).as("a reaches b at b's mapped port").isEqualTo(lab.host("pmp1b").publicAddress() + ":"
        + WG_PORT);
    assertThat(ba.curAddr()).as("b reaches a at a's mapped port").isEqualTo(lab.host("pmp1a").publicAddress() + ":"
        + WG_PORT);
    Measurements.report(PortMappingEndToEndTest.class, "pmp_direct", "a_to_b", ab.curAddr(), "b_to_a", ba.curAddr());
    assertConnected(a, b, 5101);

    // trellisd deletes its mapping when it stops
    a.daemon().stop(Duration.ofSeconds(10));
    Await.until("a's mapping to be deleted from its NAT", Duration.ofSeconds(20), () -> miniupnpdRules("pmp1a"),
        r -> !r.contains("dpt:" + WG_PORT));
  }

  @Test
  @Order(2)
  void withoutPortMappingTheSameNatsStayRelayed() {
    List<MeshNode> n = pair("pmp2a", "pmp2b", "--no-port-mapping");
    MeshNode a = n.get(0);
    MeshNode b = n.get(1);
    assertConnected(a, b, 5201);
    // a discovery round (every 5 s while traffic flows) has had its chance
    PeerStatus p = awaitPath(a, b, "relayed after discovery", Duration.ofSeconds(20), s -> !direct(s)
        && s.relayReason() != null && !s.relayReason().isEmpty());
    assertThat(p.curAddr()).isNullOrEmpty();
    assertThat(miniupnpdRules("pmp2a")).doesNotContain("dpt:" + WG_PORT);
  }
}
