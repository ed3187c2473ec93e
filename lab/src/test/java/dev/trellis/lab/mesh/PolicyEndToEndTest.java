package dev.trellis.lab.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trellis.lab.Await;
import dev.trellis.lab.ExecResult;
import dev.trellis.lab.LabHost;
import dev.trellis.lab.StaleLabCleaner;
import dev.trellis.protocol.localapi.PeerStatus;
import dev.trellis.protocol.localapi.Status;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Who may talk to whom, end to end in network namespaces with the real launchers: an ACL policy
 * set on the coordinator lets alice's laptop reach the servers (tag:server) on TCP 22 only; bob's
 * node is in no rule, so nobody is even told about it. Then the policy and a tag change, and
 * the nodes' packet filters follow within the 2 s. Names: MagicDNS answers for visible
 * peers only, {@code --accept-dns} makes plain {@code ping NAME} work, and whois says who is
 * behind an address. The methods are ordered steps of one story (run the class).
 */
@Tag("root")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PolicyEndToEndTest {
  private static final int SUBNET = 21;
  /** The requirement: a policy or tag change is in force on the nodes within this. */
  private static final Duration CHANGE_PROPAGATION = Duration.ofSeconds(2);
  private static final Duration SETTLE = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String POLICY = """
      // Servers are reached over SSH by alice's own devices, nothing else.
      {
        "tagOwners": {
          "tag:server": ["alice"],   /* alice may tag servers */
        },
        "acls": [
          {"action": "accept", "src": ["alice"], "dst": ["tag:server:22"]},
        ],
        "tests": [
          {"src": "alice", "accept": ["tag:server:22"], "deny": ["tag:server:80"]},
          {"src": "bob", "deny": ["tag:server:22"]},
        ],
      }
      """;

  /** The same, plus HTTP. */
  private static final String POLICY_WITH_HTTP = """
      {
        "tagOwners": {"tag:server": ["alice"]},
        "acls": [
          {"action": "accept", "src": ["alice"], "dst": ["tag:server:22,80"]},
        ],
        "tests": [
          {"src": "alice", "accept": ["tag:server:22", "tag:server:80"], "deny": ["tag:server:443"]},
        ],
      }
      """;

  /** The JSON names of Tailscale's ipnstate.Status (tailscale/ipn/ipnstate/ipnstate.go). */
  private static final java.util.Set<String> TAILSCALE_STATUS = java.util.Set.of("Version", "TUN", "BackendState",
      "HaveNodeKey", "AuthURL", "TailscaleIPs", "Self", "ExitNodeStatus", "Health", "MagicDNSSuffix", "CurrentTailnet",
      "CertDomains", "Peer", "User", "ClientVersion");
  /** The JSON names of Tailscale's ipnstate.PeerStatus. */
  private static final java.util.Set<String> TAILSCALE_PEER_STATUS = java.util.Set.of("ID", "PublicKey", "HostName",
      "DNSName", "OS", "UserID", "AltSharerUserID", "TailscaleIPs", "AllowedIPs", "PrimaryRoutes", "Tags", "Addrs",
      "CurAddr", "Relay", "PeerRelay", "RxBytes", "TxBytes", "Created", "LastWrite", "LastSeen", "LastHandshake",
      "Online", "ExitNode", "ExitNodeOption", "Active", "PeerAPIURL", "TaildropTarget", "NoFileSharingReason",
      "Capabilities", "CapMap", "sshHostKeys", "ShareeNode", "InNetworkMap", "InMagicSock", "InEngine", "Expired",
      "KeyExpiry", "Location", "KeepAlive");
  /** Fields Trellis adds; Tailscale's clients ignore them. */
  private static final java.util.Set<String> TRELLIS_EXTENSIONS = java.util.Set.of("NodeID", "LatencySeconds",
      "RelayReason");

  private Mesh mesh;
  private MeshNode laptop;
  private MeshNode server;
  private MeshNode intruder;

  @RegisterExtension
  final ScenarioSteps steps = new ScenarioSteps(() -> mesh == null ? "no mesh" : mesh.diagnostics());

  @BeforeAll
  void start() {
    LabHost.requireReady();
    StaleLabCleaner.cleanOnce();
    mesh = Mesh.start(Mesh.logDirFor(PolicyEndToEndTest.class), SUBNET, null);
    mesh.coordinator().createUser("alice");
    mesh.coordinator().createUser("bob");
  }

  @AfterAll
  void tearDown() {
    if (mesh != null) {
      mesh.close();
    }
  }

  @Test
  @Order(1)
  void aPolicyWithAFailingTestIsRefusedAndTheGoodOneIsSaved() throws IOException {
    Path bad = writePolicy("bad.hujson", POLICY.replace("\"deny\": [\"tag:server:80\"]", "\"deny\": [\"tag:server:22\"]"));
    ExecResult refused = mesh.coordinator().adminResult("policy", "set", bad.toString());
    assertThat(refused.ok()).as(refused.describe()).isFalse();
    assertThat(refused.stderr()).contains("line", "tag:server:22");

    mesh.coordinator().admin("policy", "set", writePolicy("policy.hujson", POLICY).toString());
    assertThat(mesh.coordinator().admin("policy", "get")).isEqualTo(POLICY);
  }

  @Test
  @Order(2)
  void nodesJoinAndSeeOnlyThePeersThePolicyLetsThemTalkTo() {
    String serverKey = mesh.coordinator().preAuthKey("alice", false, false, "tag:server");
    String laptopKey = mesh.coordinator().preAuthKey("alice", false, false);
    String bobKey = mesh.coordinator().preAuthKey("bob", false, false);
    server = mesh.addNode("server");
    laptop = mesh.addNode("laptop");
    intruder = mesh.addNode("intruder");
    List<MeshNode> all = List.of(server, laptop, intruder);
    Parallel.each(all, MeshNode::awaitDaemon);
    server.up(serverKey);
    laptop.up(laptopKey);
    intruder.up(bobKey);

    Await.until("laptop to list exactly the server", SETTLE, laptop::localApiStatus,
        s -> hostNames(s).equals(List.of("server")));
    Await.until("server to list exactly the laptop", SETTLE, server::localApiStatus,
        s -> hostNames(s).equals(List.of("laptop")));
    assertThat(hostNames(intruder.status())).as("bob's node is in no rule: it sees nobody").isEmpty();
    assertThat(hostNames(laptop.status())).as("what `trellis status` shows on the laptop").containsExactly("server");
  }

  @Test
  @Order(3)
  void theLaptopReachesTheServerOnTcp22OnlyAndNobodyReachesTheIntruder() {
    listen(server, 22);
    listen(server, 80);
    listen(intruder, 22);
    String serverIp = server.ipv4();
    String intruderIp = intruder.ipv4();
    String laptopIp = laptop.ipv4();

    // The connection completes: the server's SYN-ACK passes the laptop's filter as a reply.
    Await.until("laptop → server:22", SETTLE, () -> connects(laptop, serverIp, 22, Duration.ofSeconds(2)), ok -> ok);
    assertThat(connects(laptop, serverIp, 80, Duration.ofSeconds(2))).as("laptop → server:80").isFalse();
    assertThat(connects(server, laptopIp, 22, Duration.ofSeconds(1))).as("server → laptop:22 (no rule)").isFalse();
    assertThat(connects(intruder, serverIp, 22, Duration.ofSeconds(1))).as("intruder → server:22").isFalse();
    assertThat(connects(laptop, intruderIp, 22, Duration.ofSeconds(1))).as("laptop → intruder:22").isFalse();

    String metrics = server.trellisOk("metrics").stdout();
    assertThat(metrics).as("the server counted the drop of laptop → :80").containsPattern("trellis_filter_dropped_no_rule [1-9]");
  }

  @Test
  @Order(4)
  void aPolicyChangeIsInForceWithinTwoSeconds() throws IOException {
    String serverIp = server.ipv4();
    Path file = writePolicy("policy-http.hujson", POLICY_WITH_HTTP);
    mesh.coordinator().admin("policy", "set", file.toString());
    long set = System.nanoTime();
    Await.until("laptop → server:80 after the policy allows it", SETTLE,
        () -> connects(laptop, serverIp, 80, Duration.ofMillis(300)), ok -> ok);
    Duration took = Duration.ofNanos(System.nanoTime() - set);
    report("policy_change_in_force", "ms", took.toMillis());
    assertThat(took).as("from `policy set` returning to the first connection it allows").isLessThanOrEqualTo(CHANGE_PROPAGATION);
  }

  @Test
  @Order(5)
  void aTagMovesANodeIntoTheServersRuleSet() {
    long id = intruder.localApiStatus().self().nodeId();
    String intruderIp = intruder.ipv4();
    mesh.coordinator().admin("nodes", "tag", Long.toString(id), "tag:server");
    long tagged = System.nanoTime();
    Await.until("laptop → intruder:22 once it is a server", SETTLE,
        () -> connects(laptop, intruderIp, 22, Duration.ofMillis(300)), ok -> ok);
    Duration took = Duration.ofNanos(System.nanoTime() - tagged);
    report("tag_change_in_force", "ms", took.toMillis());
    assertThat(took).isLessThanOrEqualTo(CHANGE_PROPAGATION);
    Await.until("laptop to list both servers", SETTLE, laptop::localApiStatus,
        s -> hostNames(s).equals(List.of("intruder", "server")));
  }

  @Test
  @Order(6)
  void magicDnsAnswersForVisiblePeersAndPlainPingWorksWithAcceptDns() throws IOException {
    String serverIp = server.ipv4();
    String suffix = laptop.localApiStatus().currentTailnet().magicDnsSuffix();
    assertThat(dig(laptop, "server." + suffix, "A")).isEqualTo(serverIp);
    assertThat(dig(laptop, "server", "A")).as("the short name").isEqualTo(serverIp);
    assertThat(dig(laptop, "SERVER." + suffix, "AAAA")).startsWith("fd7a:115c:a1e0:");
    assertThat(dig(intruder, "laptop." + suffix, "A"))
        .as("the intruder, a server now, may be reached by the laptop, so it knows the laptop's name")
        .isEqualTo(laptop.ipv4());
    ExecResult nx = laptop.netns().exec(Duration.ofSeconds(15), "dig", "@100.100.100.100", "+time=2", "+tries=1",
        "nosuch." + suffix, "A");
    assertThat(nx.stdout()).contains("status: NXDOMAIN");

    Path resolvConf = Path.of("/etc/netns", laptop.netns().name(), "resolv.conf");
    String before = Files.readString(resolvConf);
    laptop.trellisOk("up", "--accept-dns");
    Await.until("the laptop's resolv.conf to name MagicDNS", SETTLE, () -> read(resolvConf),
        text -> text.contains("nameserver 100.100.100.100"));
    ExecResult ping = laptop.netns().exec(Duration.ofSeconds(20), "ping", "-c", "1", "-W", "5", "server");
    assertThat(ping.ok()).as("plain `ping server` on the laptop: " + ping.describe()).isTrue();
    ExecResult trellisPing = laptop.trellis("ping", "-c", "1", "server");
    assertThat(trellisPing.ok()).as(trellisPing.describe()).isTrue();
    assertThat(trellisPing.stdout()).contains("pong from server (" + serverIp + ")");

    laptop.trellisOk("up", "--accept-dns=false");
    Await.until("the laptop's resolv.conf restored", SETTLE, () -> read(resolvConf), before::equals);
  }

  @Test
  @Order(7)
  void whoisNamesTheNodeAndUserBehindAnAddressWithTailscalesFieldNames() throws IOException {
    String laptopIp = laptop.ipv4();
    ExecResult text = server.trellisOk("whois", laptopIp + ":51234");
    assertThat(text.stdout()).contains("laptop", "alice");
    JsonNode json = JSON.readTree(server.trellisOk("whois", "--json", laptopIp).stdout());
    assertThat(json.at("/Node/ComputedName").asText()).isEqualTo("laptop");
    assertThat(json.at("/UserProfile/LoginName").asText()).isEqualTo("alice");
    assertThat(json.at("/Node/Addresses/0").asText()).isEqualTo(laptopIp + "/32");

    JsonNode status = JSON.readTree(laptop.trellisOk("status", "--json").stdout());
    assertThat(status.fieldNames()).toIterable().contains("BackendState", "Self", "Peer", "TailscaleIPs",
        "MagicDNSSuffix", "CurrentTailnet", "User", "Version")
        .allMatch(TAILSCALE_STATUS::contains);
    JsonNode peer = status.get("Peer").elements().next();
    assertThat(peer.fieldNames()).toIterable().contains("ID", "PublicKey", "HostName", "DNSName", "OS", "UserID",
        "TailscaleIPs", "AllowedIPs", "Tags", "Addrs", "CurAddr", "RxBytes", "TxBytes", "Created",
        "LastHandshake", "Online", "Active", "KeyExpiry") // Relay: once relays exist (it is omitted while empty)
        .allMatch(name -> TAILSCALE_PEER_STATUS.contains(name) || TRELLIS_EXTENSIONS.contains(name));
    assertThat(server.trellis("whois", "100.127.255.254").exitCode()).as("an address nobody has").isEqualTo(10);
  }

  // ---- helpers

  private static List<String> hostNames(Status s) {
    return s.peer().values().stream().map(PeerStatus::hostName).sorted().toList();
  }

  /** Whether a TCP connection from {@code from} to {@code ip:port} completes within {@code timeout}. */
  private static boolean connects(MeshNode from, String ip, int port, Duration timeout) {
    String seconds = String.format(java.util.Locale.ROOT, "%.1f", timeout.toMillis() / 1000.0);
    ExecResult r = from.netns().exec(timeout.plusSeconds(10), "timeout", seconds, "bash", "-c",
        "exec 3<>/dev/tcp/" + ip + "/" + port);
    return r.ok();
  }

  /** A TCP listener on {@code port} inside {@code node}'s namespace (iperf3's server accepts any connection). */
  private void listen(MeshNode node, int port) {
    node.netns().spawn("listen-" + node.hostname() + "-" + port, mesh.logDir().resolve("listen-" + node.hostname()
        + "-" + port + ".log"), Map.of(), "iperf3", "-s", "-p", Integer.toString(port));
    Await.until(node + " to listen on TCP " + port, SETTLE,
        () -> node.netns().exec("ss", "-Hltn", "sport = :" + port).stdout(), out -> !out.isBlank());
  }

  private static String dig(MeshNode node, String name, String type) {
    ExecResult r = node.netns().exec(Duration.ofSeconds(15), "dig", "@100.100.100.100", "+short", "+time=2",
        "+tries=2", name, type);
    if (!r.ok()) {
      throw new AssertionError("dig " + name + " " + type + " on " + node + ": " + r.describe());
    }
    return r.stdout().strip();
  }

  private Path writePolicy(String name, String text) throws IOException {
    Path file = mesh.sharedDir("policy-" + name).resolve(name);
    Files.writeString(file, text);
    return file;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void report(String event, Object... keyValues) {
    Measurements.report(PolicyEndToEndTest.class, event, keyValues);
  }
}
