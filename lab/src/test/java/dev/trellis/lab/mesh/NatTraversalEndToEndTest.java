package dev.trellis.lab.mesh;

import static dev.trellis.lab.mesh.NatPairs.awaitPath;
import static dev.trellis.lab.mesh.NatPairs.direct;
import static dev.trellis.lab.mesh.NatPairs.peerOf;
import static dev.trellis.lab.mesh.NatPairs.relayed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.lab.ExecResult;
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
 * Relays and NAT traversal with real trellisd nodes, real relays and iptables NATs (the
 * {@link NatLab}): every case checks that a ping and a checksummed TCP transfer get through
 * both ways, and that {@code trellis status} reports the path the case must end on — direct
 * where the NATs allow it, relayed (and why) where they don't. Each case has nodes of its own;
 * they share one lab so that its relays and coordinator start once.
 */
@Tag("root")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NatTraversalEndToEndTest {
  private static final Duration SETTLE = NatPairs.SETTLE;
  /** A path that should go direct does within this (discovery rounds are 5 s apart; it takes one). */
  private static final Duration TO_DIRECT = Duration.ofSeconds(20);

  private NatPairs pairs;
  private NatLab lab;
  private int nextPort = 5001;

  @RegisterExtension
  final TestWatcher report = NatPairs.diagnosticsOnFailure(() -> lab);

  @BeforeAll
  void startLab() {
    pairs = NatPairs.start(NatTraversalEndToEndTest.class);
    lab = pairs.lab();
  }

  @AfterAll
  void stopLab() {
    if (pairs != null) {
      pairs.close();
    }
  }

  private List<MeshNode> pair(String a, Nat natA, String b, Nat natB) {
    return pairs.pair(a, natA, b, natB);
  }

  private void assertConnected(MeshNode a, MeshNode b) {
    pairs.assertConnected(a, b, nextPort);
    nextPort += 2;
  }

  private void report(String event, Object... keyValues) {
    Measurements.report(NatTraversalEndToEndTest.class, event, keyValues);
  }

  @Test
  @Order(1)
  void bothPublicGoDirect() {
    List<MeshNode> n = pair("pub1a", Nat.NONE, "pub1b", Nat.NONE);
    PeerStatus p = awaitPath(n.get(0), n.get(1), "direct", TO_DIRECT, NatPairs::direct);
    assertThat(p.curAddr()).isEqualTo(lab.host("pub1b").publicAddress() + ":41641");
    assertConnected(n.get(0), n.get(1));
    awaitPath(n.get(1), n.get(0), "direct", TO_DIRECT, NatPairs::direct);
  }

  @Test
  @Order(2)
  void oneBehindAnEasyNatGoesDirect() {
    List<MeshNode> n = pair("eim2a", Nat.EIM, "pub2b", Nat.NONE);
    awaitPath(n.get(0), n.get(1), "direct", TO_DIRECT, NatPairs::direct);
    PeerStatus back = awaitPath(n.get(1), n.get(0), "direct", TO_DIRECT, NatPairs::direct);
    assertThat(back.curAddr()).as("the public node sees the NAT's address").startsWith(
        lab.host("eim2a").publicAddress() + ":");
    assertConnected(n.get(0), n.get(1));
  }

  @Test
  @Order(3)
  void bothBehindEasyNatsPunchThroughAndTrellisPingShowsTheUpgrade() {
    List<MeshNode> n = pair("eim3a", Nat.EIM, "eim3b", Nat.EIM);
    MeshNode a = n.get(0);
    MeshNode b = n.get(1);
    long start = System.nanoTime();
    ExecResult ping = a.trellisOk("ping", "-c", "60", "-i", "200ms", b.hostname()); // a second discovery round is 5 s later
    long toDirectMs = (System.nanoTime() - start) / 1_000_000;
    List<String> pongs = ping.stdout().lines().filter(l -> l.startsWith("pong from")).toList();
    assertThat(pongs).as(ping.stdout()).isNotEmpty();
    assertThat(pongs.getLast()).as("trellis ping stops once direct:\n" + ping.stdout())
        .contains("via " + lab.host("eim3b").publicAddress() + ":");
    assertThat(ping.stdout()).doesNotContain("direct connection not established");
    report("nat_eim_eim_time_to_direct", "ms", toDirectMs, "pongs", pongs.size(), "first", pongs.getFirst());
    assertThat(awaitPath(a, b, "direct", TO_DIRECT, NatPairs::direct).curAddr())
        .startsWith(lab.host("eim3b").publicAddress() + ":");
    assertConnected(a, b);
  }

  @Test
  @Order(4)
  void bothBehindHardNatsStayRelayedSayWhyAndTrafficFlows() {
    List<MeshNode> n = pair("edm4a", Nat.EDM, "edm4b", Nat.EDM);
    MeshNode a = n.get(0);
    MeshNode b = n.get(1);
    assertConnected(a, b);
    PeerStatus p = awaitPath(a, b, "relayed because of two hard NATs", SETTLE,
        s -> relayed(s) && s.relayReason() != null && s.relayReason().contains("mapping varies by destination"));
    assertThat(p.relayReason()).contains("both nodes are behind NATs");
    ExecResult ping = a.trellisOk("ping", "-c", "3", "-i", "200ms", b.hostname());
    assertThat(ping.stdout()).contains("via relay lab", "direct connection not established");
    String table = a.trellisOk("status").stdout();
    assertThat(table).contains("relay lab", "edm4b is relayed: both nodes are behind NATs");
  }

  @Test
  @Order(5)
  void udpBlockedAtOneNatStillWorksThroughTheRelayOverTcp() {
    List<MeshNode> n = pair("blk5a", Nat.UDP_BLOCKED, "pub5b", Nat.NONE);
    MeshNode a = n.get(0);
    MeshNode b = n.get(1);
    assertConnected(a, b);
    PeerStatus fromA = awaitPath(a, b, "relayed (UDP blocked here)", SETTLE,
        s -> relayed(s) && s.relayReason() != null && s.relayReason().contains("UDP is blocked on this node"));
    assertThat(fromA.curAddr()).isNullOrEmpty();
    awaitPath(b, a, "relayed (UDP blocked there)", SETTLE,
        s -> relayed(s) && s.relayReason() != null && s.relayReason().contains("UDP is blocked on the peer"));
    String netcheck = a.trellisOk("netcheck").stdout();
    assertThat(netcheck).contains("UDP: false");
  }

  @Test
  @Order(6)
  void whenTheHomeRelayRegionStopsNodesMoveToTheOtherAndTrafficContinues() {
    List<MeshNode> n = pair("edm6a", Nat.EDM, "edm6b", Nat.EDM);
    MeshNode a = n.get(0);
    MeshNode b = n.get(1);
    assertConnected(a, b);
    String home = awaitPath(b, a, "relayed", SETTLE, NatPairs::relayed).relay();
    int region = Integer.parseInt(home.substring("lab".length()));
    String other = "lab" + (region == 1 ? 2 : 1);
    long stopped = System.nanoTime();
    lab.stopRelay(region);
    try {
      awaitPath(b, a, "relayed through " + other, SETTLE, p -> other.equals(p.relay()));
      awaitPath(a, b, "relayed through " + other, SETTLE, p -> other.equals(p.relay()));
      a.ping(b.ipv4(), SETTLE);
      report("nat_relay_failover", "ms", (System.nanoTime() - stopped) / 1_000_000, "from", home, "to", other);
      assertConnected(a, b);
    } finally {
      lab.startRelay(region);
    }
  }

  @Test
  @Order(7)
  void aNodeWhoseAddressChangesIsReachableAgainWithinFiveSeconds() {
    List<MeshNode> n = pair("pub7a", Nat.NONE, "pub7b", Nat.NONE);
    MeshNode a = n.get(0);
    MeshNode b = n.get(1);
    awaitPath(b, a, "direct", TO_DIRECT, NatPairs::direct);
    awaitPath(a, b, "direct", TO_DIRECT, NatPairs::direct);
    String moved = lab.changeAddress("pub7a");
    long changed = System.nanoTime();
    Duration took = b.ping(a.ipv4(), Duration.ofSeconds(10));
    long recoveredMs = (System.nanoTime() - changed) / 1_000_000;
    report("nat_address_change_recovered", "ms", recoveredMs, "ping_ms", took.toMillis());
    assertThat(Duration.ofMillis(recoveredMs)).as("from the address change to the first echo reply")
        .isLessThanOrEqualTo(Duration.ofSeconds(5));
    awaitPath(b, a, "direct to the new address", TO_DIRECT, p -> direct(p) && p.curAddr().startsWith(moved + ":"));
    assertConnected(a, b);
  }

  @Test
  @Order(8)
  void lossAndReorderingOnTheNatLinksStillDeliverATcpTransferIntact() {
    List<MeshNode> n = pair("eim8a", Nat.EIM, "eim8b", Nat.EIM);
    lab.netem("eim8a", "loss 5% delay 5ms reorder 25%");
    lab.netem("eim8b", "loss 5% delay 5ms reorder 25%");
    try {
      assertConnected(n.get(0), n.get(1));
      PeerStatus p = peerOf(n.get(0), n.get(1));
      report("nat_lossy_links", "path", direct(p) ? "direct " + p.curAddr() : "relay " + p.relay(),
          "netem", lab.netemBackend());
    } finally {
      lab.clearNetem("eim8a");
      lab.clearNetem("eim8b");
    }
  }
}
