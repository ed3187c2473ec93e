package dev.trellis.lab.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.lab.Await;
import dev.trellis.lab.ExecResult;
import dev.trellis.lab.LabHost;
import dev.trellis.lab.StaleLabCleaner;
import dev.trellis.protocol.control.ControlCodec;
import dev.trellis.protocol.control.RelayMap;
import dev.trellis.protocol.localapi.PeerStatus;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
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
 * The NAT lab's topology, checked with plain tools rather than with Trellis's traversal: from
 * inside each host, one UDP socket asks both relays' STUN servers where it appears, and TCP GETs
 * reach both relays and the coordinator. Each case has hosts of its own, and a step that stops a
 * relay starts it again, so the steps do not build on each other; they share one lab to start its
 * JVMs once.
 */
@Tag("root")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NatLabTest {
  /**
   * For a server that should answer: STUN sends at 0, 0.1, 0.3, 0.7 and 1.5 s within it, so even
   * through the netem case's 5 % loss each way all five fail about once in 10^5 runs.
   */
  private static final Duration ANSWER = Duration.ofSeconds(3);
  /** Waited on a server that must stay silent (it would answer within milliseconds). */
  private static final Duration SILENCE = Duration.ofSeconds(2);
  /** JVMs starting on a loaded 2-core machine; only a failure waits this long. */
  private static final Duration SETTLE = Duration.ofSeconds(60);
  /** The probe's local UDP port where it must stay the same across an address change. */
  private static final int STAYING_PORT = 40000;

  private NatLab lab;
  private Map<String, ProbeReport> firstProbes;

  @RegisterExtension
  final TestWatcher report = NatPairs.diagnosticsOnFailure(() -> lab);

  @BeforeAll
  void startLab() {
    LabHost.requireReady();
    StaleLabCleaner.cleanOnce();
    lab = NatLab.start(Mesh.logDirFor(NatLabTest.class));
    lab.addHost("pub", Nat.NONE);
    lab.addHost("eim", Nat.EIM);
    lab.addHost("edm", Nat.EDM);
    lab.addHost("blocked", Nat.UDP_BLOCKED);
  }

  @AfterAll
  void tearDown() {
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  @Order(1)
  void theCoordinatorServesARelayMapOfBothRegionsWithLiteralAddresses() throws IOException {
    RelayMap map = ControlCodec.mapper().readValue(Files.readAllBytes(lab.relayMapFile()), RelayMap.class).validate();
    assertThat(map.regions()).extracting(RelayMap.Region::id).containsExactly(1, 2);
    for (int region : NatLab.REGIONS) {
      RelayMap.Relay relay = map.region(region).orElseThrow().relays().getFirst();
      assertThat(relay.ipv4() + ":" + relay.relayPort()).isEqualTo(lab.relay(region).httpEndpoint());
      assertThat(relay.ipv4() + ":" + relay.stunPort()).isEqualTo(lab.relay(region).stunEndpoint());
    }
    // It checks the map before it listens: a map it refused would have failed NatLab.start.
    assertThat(lab.coordinator().isRunning()).isTrue();
  }

  @Test
  @Order(2)
  void everyHostReachesBothRelaysAndTheCoordinatorOverTcp() {
    for (String host : List.of("pub", "eim", "edm", "blocked")) {
      ProbeReport probe = firstProbe(host);
      for (int region : NatLab.REGIONS) {
        assertThat(probe.httpStatus(lab.relay(region).httpEndpoint())).as(host + " → relay " + region + ":\n"
            + probe.output()).contains(200);
      }
      assertThat(probe.httpStatus(lab.coordinatorEndpoint())).as(host + " → coordinator:\n" + probe.output())
          .contains(200);
    }
  }

  @Test
  @Order(3)
  void aPublicHostIsSeenAtItsOwnAddressAndPort() {
    ProbeReport probe = firstProbe("pub");
    InetSocketAddress own = new InetSocketAddress(lab.host("pub").publicAddress(), probe.localPort());
    assertThat(mappings(probe)).as(probe.output()).containsOnly(own);
  }

  @Test
  @Order(4)
  void behindAnEndpointIndependentNatOneSocketHasOneMappingForBothRelays() {
    ProbeReport probe = firstProbe("eim");
    List<InetSocketAddress> mapped = mappings(probe);
    assertThat(mapped).as(probe.output()).hasSize(2).allMatch(m -> m.getAddress().getHostAddress()
        .equals(lab.host("eim").publicAddress()));
    assertThat(mapped.get(0).getPort()).as("mapped port towards relay 1 and relay 2:\n" + probe.output())
        .isEqualTo(mapped.get(1).getPort());
  }

  @Test
  @Order(5)
  void behindAnEndpointDependentNatTheMappedPortsDifferPerRelay() {
    ProbeReport probe = firstProbe("edm");
    List<InetSocketAddress> mapped = mappings(probe);
    assertThat(mapped).as(probe.output()).hasSize(2).allMatch(m -> m.getAddress().getHostAddress()
        .equals(lab.host("edm").publicAddress()));
    assertThat(mapped.get(0).getPort()).as("mapped port towards relay 1 and relay 2:\n" + probe.output())
        .isNotEqualTo(mapped.get(1).getPort());
  }

  @Test
  @Order(6)
  void behindANatThatDropsUdpStunGetsNoAnswerButTcpWorks() {
    ProbeReport probe = firstProbe("blocked");
    for (int region : NatLab.REGIONS) {
      assertThat(probe.mapped(lab.relay(region).stunEndpoint())).as(probe.output()).isEmpty();
      assertThat(probe.httpStatus(lab.relay(region).httpEndpoint())).as(probe.output()).contains(200);
    }
  }

  @Test
  @Order(7)
  void aNatedHostIsReachableOnlyThroughItsNat() {
    NatHost pub = lab.host("pub");
    NatHost eim = lab.host("eim");
    ExecResult toLan = pub.netns().exec(Duration.ofSeconds(10), "ping", "-n", "-c", "1", "-W", "1", eim.lanAddress());
    assertThat(toLan.ok()).as("the internet has no route to a LAN: " + toLan.describe()).isFalse();
    ExecResult toWan = pub.netns().exec(Duration.ofSeconds(10), "ping", "-n", "-c", "1", "-W", "5", eim.publicAddress());
    assertThat(toWan.ok()).as("the NAT's WAN address answers: " + toWan.describe()).isTrue();
    ExecResult out = eim.netns().exec(Duration.ofSeconds(10), "ping", "-n", "-c", "1", "-W", "5", pub.publicAddress());
    assertThat(out.ok()).as("the NATed host reaches a public one: " + out.describe()).isTrue();
  }

  @Test
  @Order(8)
  void aStoppedRelayIsUnreachableUntilItIsStartedAgain() {
    RelayProcess one = lab.relay(1);
    RelayProcess two = lab.relay(2);
    List<String> stun = List.of(one.stunEndpoint(), two.stunEndpoint());
    List<String> http = List.of(one.httpEndpoint(), two.httpEndpoint());
    lab.stopRelay(1);
    assertThat(one.isRunning()).isFalse();
    ProbeReport down = lab.probe("pub", SILENCE, 0, stun, http);
    assertThat(down.mapped(one.stunEndpoint())).as(down.output()).isEmpty();
    assertThat(down.httpStatus(one.httpEndpoint())).as(down.output()).isEmpty();
    assertThat(down.mapped(two.stunEndpoint())).as("region 2 is unaffected:\n" + down.output()).isPresent();
    assertThat(down.httpStatus(two.httpEndpoint())).as(down.output()).contains(200);

    lab.startRelay(1);
    ProbeReport up = lab.probe("eim", ANSWER, 0, stun, http);
    assertThat(up.mapped(one.stunEndpoint())).as(up.output()).isPresent();
    assertThat(up.httpStatus(one.httpEndpoint())).as(up.output()).contains(200);
    assertThat(one.process().output()).as("a new log for the new process").contains("region 1");
  }

  @Test
  @Order(9)
  void changingAnAddressChangesWhatTheRelaysSeeEvenForASocketThatStays() {
    lab.addHost("roamer", Nat.NONE);
    lab.addHost("roamer-nat", Nat.EIM);
    // One local port before and after, as trellisd keeps its one UDP socket when the address changes.
    Parallel.each(List.of("roamer", "roamer-nat"), name -> {
      String before = lab.host(name).publicAddress();
      assertThat(mappedAddresses(lab.probe(name, ANSWER, STAYING_PORT))).containsOnly(before);
      String after = lab.changeAddress(name);
      assertThat(after).isNotEqualTo(before).isEqualTo(lab.host(name).publicAddress());
      String addresses = lab.host(name).publicSide().execOk("ip", "-br", "-4", "addr").stdout();
      assertThat(addresses).as("the old address is gone").contains(after + "/24").doesNotContain(before + "/");
      ProbeReport probe = lab.probe(name, ANSWER, STAYING_PORT);
      assertThat(mappedAddresses(probe)).as(probe.output()).containsOnly(after);
    });

    NatHost host = lab.host("roamer-nat");
    String wan = host.publicAddress();
    String lanBefore = host.lanAddress();
    int portBefore = mappings(lab.probe("roamer-nat", ANSWER, STAYING_PORT)).getFirst().getPort();
    String lanAfter = lab.changeLanAddress("roamer-nat");
    assertThat(lanAfter).isNotEqualTo(lanBefore);
    assertThat(host.netns().execOk("ip", "-br", "-4", "addr", "show", "dev", NatLab.HOST_IF).stdout())
        .contains(lanAfter + "/24").doesNotContain(lanBefore + "/");
    ProbeReport probe = lab.probe("roamer-nat", ANSWER, STAYING_PORT);
    assertThat(mappedAddresses(probe)).as("the NAT's WAN address stays:\n" + probe.output()).containsOnly(wan);
    // The old LAN address's mapping lives on in conntrack, so the new one usually gets another port.
    System.out.println("LAB event=natlab_lan_address_changed wan_port_before=" + portBefore + " wan_port_after="
        + mappings(probe).getFirst().getPort());
  }

  @Test
  @Order(10)
  void netemLosesAndReordersPacketsOnANatLinkUntilCleared() {
    lab.addHost("lossy", Nat.EIM);
    String target = lab.host("pub").publicAddress();
    lab.netem("lossy", "loss 5% delay 20ms reorder 25%");
    String state = lab.netemBackend() + ": " + lab.netemState("lossy");
    // 200 echo requests 10 ms apart: each crosses the bad link twice (~10 % lost per round trip);
    // one held 20 ms is overtaken by the next if that one goes at once (25 %).
    Burst bad = burst("lossy", target);
    assertThat(bad.lost()).as("lost of " + BURST + " (" + state + "):\n" + bad.output()).isBetween(1, 80);
    assertThat(bad.reordered()).as("replies out of order (" + state + "):\n" + bad.output()).isPositive();
    assertThat(bad.maxMillis()).as("the slowest round trip was held").isGreaterThanOrEqualTo(20);
    ProbeReport probe = lab.probe("lossy", ANSWER);
    assertThat(mappedAddresses(probe)).as("STUN retransmits through the loss:\n" + probe.output())
        .containsOnly(lab.host("lossy").publicAddress());
    assertThat(probe.httpStatus(lab.coordinatorEndpoint())).as(probe.output()).contains(200);
    System.out.println("LAB event=natlab_netem backend=\"" + lab.netemBackend() + "\" lost=" + bad.lost() + " reordered="
        + bad.reordered() + " max_ms=" + bad.maxMillis());

    lab.clearNetem("lossy");
    Burst clean = burst("lossy", target);
    assertThat(clean.lost()).as("after clearNetem:\n" + clean.output()).isZero();
    assertThat(clean.reordered()).as("after clearNetem:\n" + clean.output()).isZero();
    assertThat(lab.netemState("lossy")).doesNotContain("netem").doesNotContain("NFQUEUE");
  }

  @Test
  @Order(11)
  void trellisdNodesJoinFromPublicAndNatedHostsAndPublicOnesPing() {
    MeshNode alpha = lab.addNode("alpha", Nat.NONE);
    MeshNode bravo = lab.addNode("bravo", Nat.NONE);
    MeshNode charlie = lab.addNode("charlie", Nat.EIM);
    List<MeshNode> nodes = List.of(alpha, bravo, charlie);
    lab.coordinator().createUser("alice");
    String key = lab.coordinator().preAuthKey("alice", true, false);
    Parallel.each(nodes, MeshNode::awaitDaemon);
    Parallel.each(nodes, n -> n.up(key));
    // The control plane works through the NAT: everyone is in everyone's map.
    for (MeshNode node : nodes) {
      Set<String> others = nodes.stream().filter(n -> n != node).map(MeshNode::hostname).collect(Collectors.toSet());
      Await.until(node + " to list " + others, SETTLE, node::localApiStatus,
          s -> s.peer().values().stream().map(PeerStatus::hostName).collect(Collectors.toSet()).equals(others));
    }
    // Both public: a direct path, which today's trellisd can use.
    alpha.ping(bravo.ipv4(), Duration.ofSeconds(20));
    bravo.ping(alpha.ipv4(), Duration.ofSeconds(20));
  }

  private static final int BURST = 200;
  private static final Pattern SUMMARY = Pattern.compile("(\\d+) packets transmitted, (\\d+) received");
  private static final Pattern REPLY = Pattern.compile("icmp_seq=(\\d+) .*time=([0-9.]+) ms");

  /** What a burst of echo requests saw: how many got no reply, how many replies came after a later one's. */
  private record Burst(int lost, int reordered, double maxMillis, String output) {}

  private Burst burst(String from, String target) {
    ExecResult ping = lab.host(from).netns().exec(Duration.ofSeconds(40), "ping", "-n", "-q", "-c", "5", "-i", "0.2", "-W", "5",
        target);
    assertThat(ping.ok()).as("the path works before the burst: " + ping.describe()).isTrue();
    ExecResult result = lab.host(from).netns().exec(Duration.ofSeconds(40), "ping", "-n", "-c", Integer.toString(BURST),
        "-i", "0.01", "-W", "2", target);
    assertThat(result.timedOut()).as(result.describe()).isFalse();
    int replies = 0;
    int reordered = 0;
    int highest = -1;
    double max = 0;
    for (String line : result.stdout().lines().toList()) {
      Matcher m = REPLY.matcher(line);
      if (m.find()) {
        replies++;
        int seq = Integer.parseInt(m.group(1));
        if (seq < highest) {
          reordered++;
        }
        highest = Math.max(highest, seq);
        max = Math.max(max, Double.parseDouble(m.group(2)));
      }
    }
    Matcher summary = SUMMARY.matcher(result.stdout());
    assertThat(summary.find()).as("ping's summary: " + result.describe()).isTrue();
    assertThat(Integer.parseInt(summary.group(2))).as("replies listed and counted").isEqualTo(replies);
    return new Burst(Integer.parseInt(summary.group(1)) - replies, reordered, max, result.stdout().lines().filter(l -> !REPLY.matcher(l).find())
        .collect(Collectors.joining("\n")));
  }

  private synchronized ProbeReport firstProbe(String host) {
    if (firstProbes == null) {
      firstProbes = Parallel.map(List.of("pub", "eim", "edm", "blocked"), name -> lab.probe(name, ANSWER));
    }
    return firstProbes.get(host);
  }

  /** The mapped addresses towards relay 1 and relay 2, in that order; fails if either did not answer. */
  private List<InetSocketAddress> mappings(ProbeReport probe) {
    return NatLab.REGIONS.stream().map(r -> probe.mapped(lab.relay(r).stunEndpoint()).orElseThrow(
        () -> new AssertionError("no STUN answer from relay " + r + ":\n" + probe.output()))).toList();
  }

  private List<String> mappedAddresses(ProbeReport probe) {
    return mappings(probe).stream().map(a -> a.getAddress().getHostAddress()).toList();
  }
}
