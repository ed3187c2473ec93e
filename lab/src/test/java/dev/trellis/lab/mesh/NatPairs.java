package dev.trellis.lab.mesh;

import dev.trellis.lab.Await;
import dev.trellis.lab.LabHost;
import dev.trellis.lab.StaleLabCleaner;
import dev.trellis.protocol.localapi.PeerStatus;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Pairs of real {@code trellisd} nodes in a {@link NatLab}, and what the NAT tests ask of them:
 * each other's status, the path one reports for the other, a ping and a checksummed transfer.
 */
final class NatPairs implements AutoCloseable {
  /** JVMs starting on a loaded 2-core machine; only a failure waits this long. */
  static final Duration SETTLE = Duration.ofSeconds(60);
  private static final long TRANSFER_BYTES = 1 << 20;

  private final NatLab lab;
  private final String key;

  private NatPairs(NatLab lab, String key) {
    this.lab = lab;
    this.key = key;
  }

  /** A NAT lab for {@code testClass} (logs under its name), with user alice and a reusable key. */
  static NatPairs start(Class<?> testClass) {
    LabHost.requireReady();
    StaleLabCleaner.cleanOnce();
    NatLab lab = NatLab.start(Mesh.logDirFor(testClass));
    try {
      lab.coordinator().createUser("alice");
      return new NatPairs(lab, lab.coordinator().preAuthKey("alice", true, false));
    } catch (RuntimeException e) {
      lab.close();
      throw e;
    }
  }

  NatLab lab() {
    return lab;
  }

  /** Prints the lab's diagnostics when a test fails; {@code lab} may still be null then. */
  static TestWatcher diagnosticsOnFailure(Supplier<NatLab> lab) {
    return new TestWatcher() {
      @Override
      public void testFailed(ExtensionContext context, Throwable cause) {
        NatLab l = lab.get();
        System.out.println("---- NAT lab after the failure of " + context.getDisplayName() + " ----\n"
            + (l == null ? "no lab" : l.diagnostics()));
      }
    };
  }

  /** Two nodes, up and in each other's map. */
  List<MeshNode> pair(String a, Nat natA, String b, Nat natB, String... daemonArgs) {
    MeshNode x = lab.addNode(a, natA, daemonArgs);
    MeshNode y = lab.addNode(b, natB, daemonArgs);
    List<MeshNode> both = List.of(x, y);
    Parallel.each(both, MeshNode::awaitDaemon);
    Parallel.each(both, n -> n.up(key));
    Await.until(a + " and " + b + " to list each other", SETTLE, () -> peerOf(x, y) != null && peerOf(y, x) != null,
        ok -> ok);
    return both;
  }

  /** {@code peer} as {@code viewer}'s LocalAPI status shows it; null if it does not. */
  static PeerStatus peerOf(MeshNode viewer, MeshNode peer) {
    return viewer.localApiStatus().peer().values().stream().filter(p -> peer.hostname().equals(p.hostName()))
        .findFirst().orElse(null);
  }

  /** Pings {@code to} from {@code from} (ignoring loss) until {@code from}'s status of {@code to} passes. */
  static PeerStatus awaitPath(MeshNode from, MeshNode to, String what, Duration deadline,
      Predicate<PeerStatus> done) {
    return Await.until(from.hostname() + "'s path to " + to.hostname() + " to be " + what, deadline, () -> {
      from.netns().exec(Duration.ofSeconds(5), "ping", "-n", "-c", "1", "-W", "1", to.ipv4());
      return peerOf(from, to);
    }, p -> p != null && done.test(p));
  }

  static boolean direct(PeerStatus p) {
    return p.curAddr() != null && !p.curAddr().isEmpty();
  }

  /** Relayed through one of the lab's regions (codes {@code labN}). */
  static boolean relayed(PeerStatus p) {
    return !direct(p) && p.relay() != null && p.relay().startsWith("lab");
  }

  /** A ping each way and a checksummed 1 MiB TCP transfer each way, on TCP ports {@code port} and {@code port + 1}. */
  void assertConnected(MeshNode a, MeshNode b, int port) {
    a.ping(b.ipv4(), Duration.ofSeconds(20));
    b.ping(a.ipv4(), Duration.ofSeconds(20));
    TcpTransfer.transfer(a, b, port, TRANSFER_BYTES, lab.logDir(), Duration.ofSeconds(120));
    TcpTransfer.transfer(b, a, port + 1, TRANSFER_BYTES, lab.logDir(), Duration.ofSeconds(120));
  }

  @Override
  public void close() {
    lab.close();
  }
}
