package dev.trellis.lab.mesh;

import dev.trellis.lab.Await;
import dev.trellis.lab.BackgroundProcess;
import dev.trellis.protocol.localapi.PeerStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One measurement of "first packet → direct path" on a fresh pair of nodes, each behind its
 * own endpoint-independent NAT (case 3 of the NAT traversal story), so no earlier traffic has
 * opened a NAT mapping or taught a node anything about the other.
 *
 * <p>The pair joins and settles first: each lists the other with its home relay and its
 * STUN-observed address, and both daemons' CPU has gone quiet (JVM start-up and JIT work would
 * otherwise be measured too). Then {@code ping -D -i 0.1} starts from A to B's 100.x address:
 * its first echo request is the first packet between them. The LocalAPI status of both is
 * polled every {@link #POLL} until each reports a direct {@code CurAddr} for the other. The
 * clock starts just before the ping process does; when its first echo request left is told by
 * the first reply ({@link Result#pingStartMs}, 10-20 ms later), and {@link Result#fromFirstPacket}
 * counts from there. Times are exact to about the poll interval.
 */
final class TimeToDirectTrial {
  /** One poll of both nodes' status every this long. */
  static final Duration POLL = Duration.ofMillis(20);
  private static final Duration SETTLE = Duration.ofSeconds(60);
  private static final Duration DIRECT_DEADLINE = Duration.ofSeconds(20);
  /** A daemon counts as quiet below this share of one core over {@link #QUIET_WINDOW}. */
  private static final double QUIET_CPU = 0.05;
  private static final Duration QUIET_WINDOW = Duration.ofMillis(500);
  private static final Duration QUIET_DEADLINE = Duration.ofSeconds(30);
  private static final Pattern REPLY = Pattern.compile(
      "^\\[(\\d+\\.\\d+)] \\d+ bytes from .*icmp_seq=(\\d+) .*time=([0-9.]+) ms", Pattern.MULTILINE);
  /** ping's interval (-i 0.1), to tell when a later request was sent. */
  private static final long PING_INTERVAL_MS = 100;

  /**
   * What one trial saw. Times in ms from the start of the ping; -1 if it did not happen within
   * the deadline.
   *
   * @param aDirectMs A (the sender) reports a direct path to B
   * @param bDirectMs B reports a direct path to A
   * @param firstReplyMs A's first echo reply (through the relay, usually)
   * @param firstReplySeq its ICMP sequence number (1 = the first request was answered)
   * @param pingStartMs when the first echo request left, as far as the first reply tells (its
   *     arrival minus its round trip minus the interval times the requests before it)
   * @param homes the home relay regions of A and B, e.g. "lab1/lab2"
   * @param quiet whether both daemons went quiet before the ping
   */
  record Result(long aDirectMs, long bDirectMs, long firstReplyMs, int firstReplySeq, long pingStartMs, String homes,
      boolean quiet) {
    long bothMs() {
      return aDirectMs < 0 || bDirectMs < 0 ? -1 : Math.max(aDirectMs, bDirectMs);
    }

    /** {@code ms} counted from the first echo request instead of the ping's start (-1 stays -1). */
    long fromFirstPacket(long ms) {
      return ms < 0 ? -1 : Math.max(0, ms - Math.max(0, pingStartMs));
    }
  }

  private TimeToDirectTrial() {}

  static Result run(NatLab lab, String authKey, int index) {
    MeshNode a = lab.addNode("ttd" + index + "a", Nat.EIM);
    MeshNode b = lab.addNode("ttd" + index + "b", Nat.EIM);
    List<MeshNode> both = List.of(a, b);
    try {
      Parallel.each(both, MeshNode::awaitDaemon);
      Parallel.each(both, n -> n.up(authKey));
      String publicA = lab.host(a.hostname()).publicAddress();
      String publicB = lab.host(b.hostname()).publicAddress();
      PeerStatus bSeenByA = Await.until(a + " and " + b + " to list each other with home relay and public address",
          SETTLE, () -> settled(a, b, publicB) && settled(b, a, publicA) ? peerOf(a, b) : null, p -> p != null);
      String homes = peerOf(b, a).relay() + "/" + bSeenByA.relay();
      String target = bSeenByA.tailscaleIps().getFirst().getHostAddress();
      boolean quiet = awaitQuiet(both);
      return measure(lab, a, b, target, homes, quiet);
    } finally {
      both.forEach(MeshNode::killDaemon); // frees the cores for the next trial
    }
  }

  private static Result measure(NatLab lab, MeshNode a, MeshNode b, String target, String homes, boolean quiet) {
    Path pingLog = lab.logDir().resolve("ping-" + a.hostname() + ".log");
    long wallStart = System.currentTimeMillis();
    long start = System.nanoTime();
    long aMs = -1;
    long bMs = -1;
    try (BackgroundProcess ping = a.netns().spawn("ping " + target, pingLog, Map.of(), "ping", "-D", "-n", "-i", "0.1",
        "-w", Long.toString(DIRECT_DEADLINE.toSeconds() + 2), target)) {
      long deadline = start + DIRECT_DEADLINE.toNanos();
      while ((aMs < 0 || bMs < 0) && System.nanoTime() < deadline) {
        if (aMs < 0 && direct(peerOf(a, b))) {
          aMs = (System.nanoTime() - start) / 1_000_000;
        }
        if (bMs < 0 && direct(peerOf(b, a))) {
          bMs = (System.nanoTime() - start) / 1_000_000;
        }
        pause(POLL);
      }
    }
    long firstReplyMs = -1;
    int seq = -1;
    long pingStartMs = -1;
    Matcher m = REPLY.matcher(read(pingLog));
    if (m.find()) {
      firstReplyMs = Math.round(Double.parseDouble(m.group(1)) * 1000) - wallStart;
      seq = Integer.parseInt(m.group(2));
      pingStartMs = firstReplyMs - Math.round(Double.parseDouble(m.group(3))) - (seq - 1) * PING_INTERVAL_MS;
    }
    return new Result(aMs, bMs, firstReplyMs, seq, pingStartMs, homes, quiet);
  }

  private static boolean settled(MeshNode viewer, MeshNode peer, String peerPublic) {
    PeerStatus p = peerOf(viewer, peer);
    return p != null && p.relay() != null && !p.relay().isEmpty() && p.addrs() != null
        && p.addrs().stream().anyMatch(e -> e.startsWith(peerPublic + ":")) && !p.tailscaleIps().isEmpty();
  }

  static PeerStatus peerOf(MeshNode viewer, MeshNode peer) {
    return viewer.localApiStatus().peer().values().stream().filter(p -> peer.hostname().equals(p.hostName()))
        .findFirst().orElse(null);
  }

  static boolean direct(PeerStatus p) {
    return p != null && p.curAddr() != null && !p.curAddr().isEmpty();
  }

  /** Waits until every daemon used under {@link #QUIET_CPU} of a core over one window; false at the deadline. */
  static boolean awaitQuiet(List<MeshNode> nodes) {
    long deadline = System.nanoTime() + QUIET_DEADLINE.toNanos();
    while (System.nanoTime() < deadline) {
      long[] before = nodes.stream().mapToLong(n -> cpuTicks(n.daemon().pid())).toArray();
      pause(QUIET_WINDOW); // the measurement window of the CPU reading
      boolean quiet = true;
      for (int i = 0; i < before.length; i++) {
        double share = (cpuTicks(nodes.get(i).daemon().pid()) - before[i]) / 100.0 / (QUIET_WINDOW.toMillis() / 1000.0);
        quiet &= share < QUIET_CPU;
      }
      if (quiet) {
        return true;
      }
    }
    return false;
  }

  /** utime + stime of a process in clock ticks (USER_HZ, 100 on Linux/x86), from /proc/PID/stat. */
  static long cpuTicks(long pid) {
    String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
    int close = stat.lastIndexOf(')');
    if (close < 0) {
      throw new IllegalStateException("process " + pid + " is gone (no /proc/" + pid + "/stat)");
    }
    String[] f = stat.substring(close + 1).trim().split("\\s+");
    return Long.parseLong(f[14 - 3]) + Long.parseLong(f[15 - 3]);
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p) : "";
    } catch (IOException e) {
      return "";
    }
  }
}
