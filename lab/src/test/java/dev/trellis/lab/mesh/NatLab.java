package dev.trellis.lab.mesh;

import dev.trellis.lab.LabException;
import dev.trellis.lab.LabHost;
import dev.trellis.lab.Netns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small internet in namespaces for testing relays and NAT traversal with the real programs
 * (see docs/lab.md, "The NAT lab"). An internet router forwards between point-to-point links
 * 198.19.N.0/24 (router .1, the attached namespace .2): the coordinator (N = 1, port 8080,
 * started with {@code --relay-map} naming both relays), a {@code trellis-relay} per region (region
 * R on N = 1 + R, HTTP 8443, STUN 3478), and one link per host (N = 10, 11, …). A host is either
 * public on its link or sits on a LAN 198.18.N.0/24 (NAT .1, host .2) behind its own NAT router
 * namespace of a {@link Nat} kind. LAN addresses are not routed on the internet, so a NATed host
 * is reachable only through its NAT.
 *
 * <p>Hosts come bare ({@link #addHost}, for tools) or with a trellisd ({@link #addNode}, a
 * {@link MeshNode}). Names follow the lab's convention, so {@code StaleLabCleaner} removes what a
 * crashed run left: namespaces {@code trl-<pid>-x<lab>…} (deleting one also deletes its veths,
 * iptables rules, conntrack entries and qdiscs), TUNs {@code tw<pid>-x<lab>n<i>}, the temporary
 * directory {@code trl-<pid>-natlab…}. Closing stops every process (by pid) and deletes all of it,
 * also from a shutdown hook.
 */
public final class NatLab implements AutoCloseable {
  public static final int COORDINATOR_PORT = 8080;
  public static final int RELAY_PORT = 8443;
  public static final int STUN_PORT = 3478;
  /** {@link PlainStun} in the internet router, for miniupnpd ({@link Nat#EDM_PMP}). */
  static final int PLAIN_STUN_PORT = 3479;
  /** The relay regions; region R's relay is at 198.19.(1+R).2. */
  public static final List<Integer> REGIONS = List.of(1, 2);
  /** The interface of every host; NAT routers have {@link #WAN_IF} and {@link #LAN_IF}. */
  static final String HOST_IF = "eth0";
  static final String WAN_IF = "wan0";
  static final String LAN_IF = "lan0";
  static final List<String> TOOLS = List.of("ip", "iptables", "tc", "sysctl", "ss");
  private static final int COORDINATOR_LINK = 1;
  private static final int FIRST_HOST_LINK = 10;
  private static final int LAST_LINK = 254;
  private static final long PID = ProcessHandle.current().pid();
  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  private static final Set<NatLab> OPEN = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN.forEach(NatLab::closeQuietly), "natlab-cleanup"));
  }

  private final String id = Integer.toString(SEQUENCE.incrementAndGet(), 36);
  private final Path logDir;
  private final Path tmp;
  private final LabResources resources = new LabResources();
  private final Map<String, NatHost> hosts = new LinkedHashMap<>();
  private final Map<Integer, RelayProcess> relays = new TreeMap<>();
  private final List<MeshNode> nodes = new ArrayList<>();
  private Netns internet;
  private CoordinatorProcess coordinator;
  private Path relayMap;
  private int nextLink = FIRST_HOST_LINK;
  private AccessLinks links;
  private dev.trellis.lab.BackgroundProcess plainStun;

  private NatLab(Path logDir, Path tmp) {
    this.logDir = logDir;
    this.tmp = tmp;
  }

  /**
   * Builds the internet, starts both relays and the coordinator (with the relay map) and waits
   * until all three listen. Logs go under {@code logDir}, emptied first. Fails at once, saying
   * what is missing, on a host without root or without the tools.
   */
  public static NatLab start(Path logDir) {
    LabHost.requireReady();
    List<String> missing = TOOLS.stream().filter(t -> LabHost.onPath(t).isEmpty()).toList();
    if (!missing.isEmpty()) {
      throw new AssertionError("the NAT lab needs " + missing + " on PATH: apt-get install -y iptables iproute2 procps");
    }
    NatLab lab;
    try {
      LabHost.deleteTree(logDir);
      Files.createDirectories(logDir);
      Path tmp = Files.createTempDirectory("trl-" + PID + "-natlab",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      lab = new NatLab(logDir, tmp);
      Files.createDirectory(lab.secrets());
    } catch (IOException e) {
      throw new LabException("cannot prepare the NAT lab's directories: " + e.getMessage(), e);
    }
    OPEN.add(lab);
    try {
      lab.build();
      return lab;
    } catch (RuntimeException | Error e) {
      try {
        lab.close();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private void build() {
    internet = own(Netns.create(namespace("inet")));
    Wiring.forwarding(internet);
    links = new AccessLinks(internet, logDir);
    for (int region : REGIONS) {
      Netns ns = own(Netns.create(namespace("relay" + region)));
      Wiring.attach(internet, ns, 1 + region, HOST_IF);
      RelayProcess relay = own(new RelayProcess(ns, region, publicAddress(1 + region, 2), RELAY_PORT, STUN_PORT,
          tmp.resolve("relay" + region + ".key"), logDir));
      relays.put(region, relay);
      relay.spawn(); // the relays' JVMs start while the coordinator's does
    }
    relayMap = RelayMapJson.write(logDir.resolve("relay-map.json"), relays.values());
    Netns coordinatorNs = own(Netns.create(namespace("coord")));
    Wiring.attach(internet, coordinatorNs, COORDINATOR_LINK, HOST_IF);
    coordinator = own(new CoordinatorProcess(coordinatorNs, tmp.resolve("coordinator"),
        publicAddress(COORDINATOR_LINK, 2), COORDINATOR_PORT, null, logDir, List.of("--relay-map", relayMap.toString())));
    coordinator.start();
    relays.values().forEach(RelayProcess::awaitListening);
  }

  /** A host without trellisd, for tools: public ({@link Nat#NONE}) or behind its own NAT. */
  public NatHost addHost(String name, Nat nat) {
    if (!name.matches("[a-z][a-z0-9-]{0,15}")) {
      throw new IllegalArgumentException("host name must be 1-16 of [a-z0-9-], starting with a letter: " + name);
    }
    int link;
    synchronized (hosts) {
      if (hosts.containsKey(name)) {
        throw new IllegalArgumentException("the lab already has a host named " + name);
      }
      if (nextLink > LAST_LINK) {
        throw new IllegalStateException("the NAT lab has room for " + (LAST_LINK - FIRST_HOST_LINK + 1) + " hosts");
      }
      link = nextLink++;
    }
    Netns ns = own(Netns.create(namespace("h-" + name)));
    // Its own /etc/resolv.conf: what `trellis up --accept-dns` writes stays inside the namespace.
    ns.privateResolvConf("# trellis NAT lab namespace " + ns.name() + ": no resolver outside the tunnel\n");
    NatHost host;
    if (nat == Nat.NONE) {
      Wiring.attach(internet, ns, link, HOST_IF);
      host = new NatHost(name, nat, link, ns, null, publicAddress(link, 2), null);
    } else {
      Netns natNs = own(Netns.create(namespace("n-" + name)));
      Wiring.attach(internet, natNs, link, WAN_IF);
      Wiring.natRouter(natNs, ns, link, nat);
      if (nat == Nat.EDM_PMP) {
        startMiniupnpd(name, natNs, link);
      }
      host = new NatHost(name, nat, link, ns, natNs, publicAddress(link, 2), lanAddress(link, 2));
    }
    synchronized (hosts) {
      hosts.put(name, host);
    }
    return host;
  }

  /**
   * A host ({@link #addHost}) running trellisd with {@code daemonArgs} appended to its command
   * line; started, not yet awaited (start several, then {@link MeshNode#awaitDaemon()} each). Join
   * it with {@link MeshNode#up} and a key from {@link #coordinator()}.
   */
  public MeshNode addNode(String hostname, Nat nat, String... daemonArgs) {
    NatHost host = addHost(hostname, nat);
    int index;
    synchronized (nodes) {
      index = nodes.size();
    }
    String tun = "tw" + PID + "-x" + id + "n" + index;
    if (tun.length() > 15) {
      throw new IllegalStateException("interface name longer than IFNAMSIZ-1: " + tun);
    }
    Path home = tmp.resolve("node-" + hostname);
    try {
      Files.createDirectory(home);
    } catch (IOException e) {
      throw new LabException("cannot create " + home + ": " + e.getMessage(), e);
    }
    MeshNode node = new MeshNode(host.netns(), hostname, host.address(), tun, home, secrets(), logDir,
        coordinator.url(), List.of(daemonArgs));
    synchronized (nodes) {
      nodes.add(node);
    }
    host.node(node);
    node.startDaemon();
    return node;
  }

  /**
   * Runs miniupnpd in the NAT namespace (stopped with it) and waits until it serves PCP/NAT-PMP with
   * port forwarding enabled, which needs {@link PlainStun}'s answer (started with the first).
   */
  private void startMiniupnpd(String name, Netns natNs, int link) {
    if (LabHost.onPath("miniupnpd").isEmpty() && !Files.isExecutable(Path.of("/usr/sbin/miniupnpd"))) {
      throw new AssertionError("a port-mapping NAT needs miniupnpd: apt-get install -y miniupnpd-iptables");
    }
    synchronized (this) {
      if (plainStun == null) {
        List<String> command = new ArrayList<>(NatProbe.javaCommand(PlainStun.class));
        command.add(Integer.toString(PLAIN_STUN_PORT));
        plainStun = internet.spawn("plain-stun", logDir.resolve("plain-stun.log"), Map.of(),
            command.toArray(String[]::new));
      }
    }
    String stunHost = publicAddress(link, 1); // the router's side of the NAT's link
    dev.trellis.lab.Await.until("PlainStun in the internet router to listen", Duration.ofSeconds(20),
        () -> plainStun.output(), out -> {
          if (!plainStun.isAlive()) {
            throw new AssertionError("PlainStun exited: " + plainStun.outputTail(20));
          }
          return out.contains("PlainStun listening");
        });
    Path conf = tmp.resolve("miniupnpd-" + name + ".conf");
    try {
      Files.writeString(conf, Wiring.miniupnpdConfig(link, stunHost, PLAIN_STUN_PORT));
    } catch (IOException e) {
      throw new LabException("cannot write " + conf + ": " + e.getMessage(), e);
    }
    // -d: foreground, logging to stderr; its own pid file, as two NATs run one each
    var process = natNs.spawn("miniupnpd " + name, logDir.resolve("miniupnpd-" + name + ".log"), Map.of(),
        "/usr/sbin/miniupnpd", "-d", "-f", conf.toString(), "-P", tmp.resolve("miniupnpd-" + name + ".pid").toString());
    dev.trellis.lab.Await.until("miniupnpd in " + natNs.name() + " to map ports", Duration.ofSeconds(20), () -> {
      String out = process.output();
      if (!process.isAlive() || out.contains("Port forwarding is now disabled") || out.contains("is impossible")) {
        throw new AssertionError("miniupnpd in " + natNs.name() + " will not map ports:\n" + process.outputTail(30));
      }
      return out.contains("Port forwarding is now enabled") && out.contains("Listening for NAT-PMP/PCP");
    }, ready -> ready);
  }

  public NatHost host(String name) {
    synchronized (hosts) {
      NatHost host = hosts.get(name);
      if (host == null) {
        throw new IllegalArgumentException("no host " + name + " in the NAT lab; it has " + hosts.keySet());
      }
      return host;
    }
  }

  public List<NatHost> hosts() {
    synchronized (hosts) {
      return List.copyOf(hosts.values());
    }
  }

  public CoordinatorProcess coordinator() {
    return coordinator;
  }

  public RelayProcess relay(int region) {
    RelayProcess relay = relays.get(region);
    if (relay == null) {
      throw new IllegalArgumentException("no relay region " + region + "; the regions are " + REGIONS);
    }
    return relay;
  }

  /** The relay map the coordinator serves (JSON, in the log directory). */
  public Path relayMapFile() {
    return relayMap;
  }

  public Path logDir() {
    return logDir;
  }

  /** The region's relay dies (SIGKILL): its TCP port refuses, its STUN port is silent. */
  public void stopRelay(int region) {
    relay(region).kill();
  }

  /** Starts the region's relay again (same address, ports and key) and waits until it listens. */
  public void startRelay(int region) {
    RelayProcess relay = relay(region);
    relay.spawn();
    relay.awaitListening();
  }

  /**
   * Case "the node's address changes": for a public host, its address on the internet is
   * replaced (198.19.N.x → x+1); for a NATed host, its NAT's WAN address is, so every mapping
   * changes (MASQUERADE forgets the mappings of a deleted address: a socket that keeps sending
   * gets a mapping on the new one). The old address is gone at once, as when a DHCP lease moves or
   * a phone changes networks. Returns the new address.
   */
  public String changeAddress(String name) {
    NatHost host = host(name);
    String old = host.publicAddress();
    String fresh = Wiring.nextAddress(old);
    Wiring.renumber(host.publicSide(), host.publicInterface(), old, fresh, publicAddress(host.link(), 1));
    host.publicAddress(fresh);
    if (!host.isBehindNat()) {
      nodeAt(host, fresh);
    }
    return fresh;
  }

  /**
   * Case "the node moves within its LAN": the NATed host's LAN address is replaced (198.18.N.x →
   * x+1); its NAT and WAN address stay, but its flows get new conntrack entries (and, while the
   * old ones live, new ports). Returns the new LAN address.
   */
  public String changeLanAddress(String name) {
    NatHost host = host(name);
    String old = host.lanAddress();
    String fresh = Wiring.nextAddress(old);
    Wiring.renumber(host.netns(), HOST_IF, old, fresh, lanAddress(host.link(), 1));
    host.lanAddress(fresh);
    nodeAt(host, fresh);
    return fresh;
  }

  /**
   * Makes the host's link to the internet bad, both ways, as {@code tc netem SPEC} would on its
   * two ends (its NAT's WAN side, or its own interface, and the internet router's side). SPEC takes
   * the netem words {@link Impairment#parse} accepts, e.g. {@code "loss 5% delay 20ms 5ms reorder
   * 25%"}. Where the kernel has no {@code sch_netem} (see {@link #netemBackend()}), a
   * {@link LinkImpairer} in the internet router does the same to the link's forwarded packets
   * through an NFQUEUE. Replaces what was set before; {@link #clearNetem} removes it.
   */
  public void netem(String name, String spec) {
    links.apply(host(name), Impairment.parse(spec));
  }

  /** Removes what {@link #netem} set on the host's link (nothing to remove is fine). */
  public void clearNetem(String name) {
    links.clear(host(name));
  }

  /**
   * How {@link #netem} works on this kernel: {@code "tc netem"}, or {@code "nfqueue"} (the kernel
   * was built without sch_netem, CONFIG_NET_SCH_NETEM; the packets go through {@link LinkImpairer}).
   */
  public String netemBackend() {
    return links.backend();
  }

  /** What {@link #netem} set up for the host, for reports: its netem qdiscs or its NFQUEUE rules and impairer. */
  public String netemState(String name) {
    return links.state(host(name));
  }

  /**
   * From inside the host, one UDP socket asks both relays' STUN servers (region order) where it
   * appears, then {@code GET /health} goes to both relays and the coordinator over TCP. Each server
   * gets {@code timeout}; one that does not answer is reported, not thrown.
   */
  public ProbeReport probe(String name, Duration timeout) {
    return probe(name, timeout, 0);
  }

  /** {@link #probe(String, Duration)} from local UDP port {@code localPort} (0: any free one). */
  public ProbeReport probe(String name, Duration timeout, int localPort) {
    List<String> stun = relays.values().stream().map(RelayProcess::stunEndpoint).toList();
    List<String> http = new ArrayList<>(relays.values().stream().map(RelayProcess::httpEndpoint).toList());
    http.add(coordinatorEndpoint());
    return probe(name, timeout, localPort, stun, http);
  }

  /** {@link #probe(String, Duration)} with chosen servers ({@code IP:PORT}) and local UDP port (0: any). */
  public ProbeReport probe(String name, Duration timeout, int localPort, List<String> stun, List<String> http) {
    return NatProbe.run(host(name).netns(), timeout, localPort, stun, http);
  }

  /** {@code IP:PORT} of the coordinator, whose URL is {@code http://} that. */
  public String coordinatorEndpoint() {
    return publicAddress(COORDINATOR_LINK, 2) + ":" + COORDINATOR_PORT;
  }

  /** Every process's state and log tail, and each host's addresses, NAT counters and qdiscs. */
  public String diagnostics() {
    StringBuilder out = new StringBuilder("NAT lab logs: " + logDir + "\n== " + coordinator + "\n");
    if (coordinator != null && coordinator.process() != null) {
      out.append(coordinator.process().outputTail(15)).append('\n');
    }
    for (RelayProcess relay : relays.values()) {
      out.append("== ").append(relay).append('\n');
      if (relay.process() != null) {
        out.append(relay.process().outputTail(10)).append('\n');
      }
    }
    for (NatHost host : hosts()) {
      out.append("== host ").append(host).append('\n').append(host.netns().exec("ip", "-br", "addr").stdout());
      if (host.isBehindNat()) {
        Netns nat = host.natNetns();
        out.append("-- NAT ").append(nat.name()).append(":\n").append(nat.exec("ip", "-br", "addr").stdout())
            .append(nat.exec("iptables", "-w", "-t", "nat", "-L", "POSTROUTING", "-n", "-v").stdout())
            .append(nat.exec("iptables", "-w", "-L", "FORWARD", "-n", "-v").stdout());
      }
      out.append(netemState(host.name()));
      try {
        out.append(host.node().describe());
      } catch (IllegalStateException bare) {
        // a host without trellisd
      } catch (RuntimeException e) {
        out.append("-- trellisd: ").append(e.getMessage()).append('\n');
      }
    }
    return out.toString();
  }

  private static void nodeAt(NatHost host, String address) {
    try {
      host.node().linkAddress(address);
    } catch (IllegalStateException bare) {
      // no trellisd on this host
    }
  }

  static String publicAddress(int link, int host) {
    return Wiring.INTERNET + link + "." + host;
  }

  static String lanAddress(int link, int host) {
    return Wiring.LAN + link + "." + host;
  }

  private String namespace(String role) {
    return "trl-" + PID + "-x" + id + role;
  }

  private Path secrets() {
    return tmp.resolve("secrets");
  }

  private <T extends AutoCloseable> T own(T resource) {
    return resources.own(resource);
  }

  /** Stops processes, deletes namespaces (newest first) and the temporary directory; idempotent. */
  @Override
  public void close() {
    OPEN.remove(this);
    List<MeshNode> all;
    synchronized (nodes) {
      all = List.copyOf(nodes);
    }
    resources.closeAll(all, tmp);
  }

  private static void closeQuietly(NatLab lab) {
    try {
      lab.close();
    } catch (RuntimeException e) {
      System.err.println("NAT lab cleanup at exit: " + e.getMessage());
    }
  }

  @Override
  public String toString() {
    return "NAT lab " + id + " (" + hosts().size() + " hosts, logs " + logDir + ")";
  }
}
