package dev.trellis.lab.mesh;

import dev.trellis.lab.LabException;
import dev.trellis.lab.LabHost;
import dev.trellis.lab.Netns;
import dev.trellis.lab.Shell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A Trellis network in namespaces: a hub namespace whose bridge {@code br0} holds 198.18.S.1/24
 * and the coordinator (port 8080), and {@link MeshNode}s, each in its own namespace with a veth
 * {@code mesh0} (198.18.S.N/24, N = 11, 12, …) on that bridge and its own trellisd.
 *
 * <p>Names follow the lab's convention so that {@code StaleLabCleaner} and {@code lab/lib.sh}
 * clean up after a crashed run: namespaces {@code trl-<pid>-m<mesh><role>}, TUN interfaces
 * {@code tw<pid>-<mesh>n<i>} (their UAPI sockets in the shared /var/run/wireguard must be unique
 * on the machine). State directories, sockets and the coordinator's data live in a private
 * temporary directory that closing deletes; logs stay under {@code logDir}.
 *
 * <p>Closing stops every process (by pid), deletes the namespaces and the temporary directory,
 * and keeps going past failures; a JVM shutdown hook closes meshes still open when a run is
 * interrupted.
 */
public final class Mesh implements AutoCloseable {
  private static final long PID = ProcessHandle.current().pid();
  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  private static final Set<Mesh> OPEN = ConcurrentHashMap.newKeySet();
  static final int COORDINATOR_PORT = 8080;

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN.forEach(Mesh::closeQuietly), "mesh-cleanup"));
  }

  private final String id = Integer.toString(SEQUENCE.incrementAndGet(), 36);
  private final int subnet;
  private final Path logDir;
  private final Path tmp;
  private final LabResources resources = new LabResources();
  private final List<MeshNode> nodes = new ArrayList<>();
  private Netns hub;
  private CoordinatorProcess coordinator;

  private Mesh(int subnet, Path logDir, Path tmp) {
    this.subnet = subnet;
    this.logDir = logDir;
    this.tmp = tmp;
  }

  /**
   * Builds the hub and starts the coordinator on 198.18.{@code subnet}.1 ({@code subnet} in
   * 0..255), logging under {@code logDir} (emptied first). {@code ephemeralTimeout} is passed to
   * every coordinator start, or the coordinator's default when null.
   */
  public static Mesh start(Path logDir, int subnet, Duration ephemeralTimeout) {
    return start(logDir, subnet, ephemeralTimeout, hub -> List.of());
  }

  /**
   * {@link #start(Path, int, Duration)} with more {@code trellis-coordinator serve} arguments,
   * which {@code serveArgs} returns once the hub namespace exists and before the coordinator
   * starts: there a test can first start what the coordinator needs (e.g. an OpenID provider on
   * the hub's loopback) and pass its address (e.g. {@code --oidc-issuer URL}). What it starts is
   * the test's to stop; processes still inside the hub when the mesh closes are killed with it.
   */
  public static Mesh start(Path logDir, int subnet, Duration ephemeralTimeout,
      Function<Netns, List<String>> serveArgs) {
    if (subnet < 0 || subnet > 255) {
      throw new IllegalArgumentException("subnet must be 0..255 (198.18.S.0/24): " + subnet);
    }
    Mesh mesh;
    try {
      LabHost.deleteTree(logDir);
      Files.createDirectories(logDir);
      // 0755: the LocalAPI sockets below must be reachable by other users, to prove they are refused.
      Path tmp = Files.createTempDirectory("trellis-mesh-",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
      mesh = new Mesh(subnet, logDir, tmp);
      Files.createDirectory(mesh.secrets(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new LabException("cannot prepare the mesh's directories: " + e.getMessage(), e);
    }
    OPEN.add(mesh);
    try {
      mesh.hub = mesh.own(Netns.create(mesh.namespaceName("hub")));
      mesh.hub.execOk("ip", "link", "add", "br0", "type", "bridge");
      mesh.hub.execOk("ip", "addr", "add", mesh.hubAddress() + "/24", "dev", "br0");
      mesh.hub.execOk("ip", "link", "set", "br0", "up");
      mesh.coordinator = new CoordinatorProcess(mesh.hub, mesh.tmp.resolve("coordinator"), mesh.hubAddress(),
          COORDINATOR_PORT, ephemeralTimeout, logDir, serveArgs.apply(mesh.hub));
      mesh.own(mesh.coordinator);
      mesh.coordinator.start();
      return mesh;
    } catch (RuntimeException | Error e) {
      try {
        mesh.close();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** Where the coordinator listens: 198.18.S.1 on the hub's bridge. */
  public String hubAddress() {
    return "198.18." + subnet + ".1";
  }

  /** The hub namespace (its bridge br0 holds {@link #hubAddress()}; the coordinator runs here). */
  public Netns hub() {
    return hub;
  }

  public CoordinatorProcess coordinator() {
    return coordinator;
  }

  public Path logDir() {
    return logDir;
  }

  public List<MeshNode> nodes() {
    synchronized (nodes) {
      return List.copyOf(nodes);
    }
  }

  /**
   * A new namespace on the bridge with trellisd started in it (not yet awaited: start several,
   * then {@link MeshNode#awaitDaemon()} each, so their JVMs start in parallel).
   */
  public MeshNode addNode(String hostname) {
    if (!hostname.matches("[a-z][a-z0-9-]{0,15}")) {
      throw new IllegalArgumentException("hostname must be 1-16 of [a-z0-9-], starting with a letter: " + hostname);
    }
    int index;
    synchronized (nodes) {
      index = nodes.size();
    }
    String tun = "tw" + PID + "-" + id + "n" + index;
    if (tun.length() > 15) {
      throw new IllegalStateException("interface name longer than IFNAMSIZ-1: " + tun);
    }
    int host = 11 + index;
    String address = "198.18." + subnet + "." + host;
    Netns ns = own(Netns.create(namespaceName(hostname)));
    // Its own /etc/resolv.conf: what `trellis up --accept-dns` writes stays inside the namespace.
    ns.privateResolvConf("# trellis lab namespace " + ns.name() + ": no resolver outside the tunnel\n");
    // Both ends are created inside their namespaces: nothing ever appears in the host's.
    Shell.run(Netns.DEFAULT_TIMEOUT, List.of("ip", "link", "add", "mesh0", "netns", ns.name(), "type", "veth",
        "peer", "name", "v" + host, "netns", hub.name())).orThrow();
    hub.execOk("ip", "link", "set", "v" + host, "master", "br0");
    hub.execOk("ip", "link", "set", "v" + host, "up");
    ns.execOk("ip", "addr", "add", address + "/24", "dev", "mesh0");
    ns.execOk("ip", "link", "set", "mesh0", "up");
    Path home = tmp.resolve(hostname);
    try {
      Files.createDirectory(home, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    } catch (IOException e) {
      throw new LabException("cannot create " + home + ": " + e.getMessage(), e);
    }
    MeshNode node = new MeshNode(ns, hostname, address, tun, home, secrets(), logDir, coordinator.url());
    synchronized (nodes) {
      nodes.add(node);
    }
    node.startDaemon();
    return node;
  }

  /**
   * A new directory in the mesh's temporary directory that every user may read (0755), e.g. for
   * files a test reads as another user; deleted with the mesh.
   */
  public Path sharedDir(String name) {
    Path dir = tmp.resolve(name);
    try {
      return Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    } catch (IOException e) {
      throw new LabException("cannot create " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Where each process is and how its log ends, and each node's `wg show`: for a failure report. */
  public String diagnostics() {
    StringBuilder out = new StringBuilder("mesh logs: " + logDir + "\n== " + coordinator + "\n");
    if (coordinator != null && coordinator.process() != null) {
      out.append(coordinator.process().outputTail(20)).append('\n');
    }
    for (MeshNode node : nodes()) {
      try {
        out.append(node.describe());
      } catch (RuntimeException e) {
        out.append("== ").append(node).append(": ").append(e.getMessage()).append('\n');
      }
    }
    return out.toString();
  }

  private String namespaceName(String role) {
    return "trl-" + PID + "-m" + id + role;
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
    resources.closeAll(nodes(), tmp);
  }

  private static void closeQuietly(Mesh mesh) {
    try {
      mesh.close();
    } catch (RuntimeException e) {
      System.err.println("mesh cleanup at exit: " + e.getMessage());
    }
  }

  /** The log directory for {@code testClass}, under the lab's log root. */
  public static Path logDirFor(Class<?> testClass) {
    return LabHost.logRoot().resolve(testClass.getSimpleName());
  }
}
