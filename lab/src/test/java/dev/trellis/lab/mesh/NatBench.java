package dev.trellis.lab.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.lab.Await;
import dev.trellis.lab.LabHost;
import dev.trellis.lab.Netns;
import dev.trellis.lab.StaleLabCleaner;
import dev.trellis.protocol.localapi.PeerStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The NAT traversal benchmark's namespace half (bench/nat.sh runs it; docs/performance.md has
 * the results), on one {@link NatLab}: how long a fresh pair behind two easy NATs takes from
 * its first packet to a direct path, over many pairs; then iperf3 TCP through a direct tunnel,
 * through a relayed one and over the bare underlay, one after the other in the same lab.
 *
 * <p>Not a test: the name matches none of surefire's default patterns ({@code *Test} and the
 * like), so {@code ./mvnw verify} never runs it; run it with {@code -Dtest=NatBench}. It asserts
 * only what makes its numbers meaningful (the direct leg is direct, the relayed leg relayed).
 * Settings come from the environment: {@code BENCH_TRIALS} (20), {@code BENCH_SECONDS} (5, per
 * iperf3 run), {@code BENCH_WARMUP_SECONDS} (3, per direction, unreported),
 * {@code BENCH_NAT_OUT} (the key=value file, see {@link BenchReport}).
 */
@Tag("root")
@Tag("bench")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NatBench {
  private static final Duration SETTLE = Duration.ofSeconds(60);
  private static final Duration TO_DIRECT = Duration.ofSeconds(20);
  private static final int RTT_PINGS = 20;

  private NatLab lab;
  private String key;
  private BenchReport report;

  @BeforeAll
  void startLab() {
    LabHost.requireReady();
    StaleLabCleaner.cleanOnce();
    lab = NatLab.start(Mesh.logDirFor(NatBench.class));
    report = new BenchReport(lab.logDir());
    lab.coordinator().createUser("bench");
    key = lab.coordinator().preAuthKey("bench", true, false);
    report.kv("lab_netem_backend", "\"" + lab.netemBackend() + "\"");
  }

  @AfterAll
  void stopLab() {
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  @Order(1)
  void timeFromFirstPacketToDirectBehindTwoEasyNats() {
    int trials = BenchReport.envInt("BENCH_TRIALS", 20);
    report.kv("ttd_loadavg_before", "\"" + BenchReport.loadAverage() + "\"");
    List<TimeToDirectTrial.Result> results = new ArrayList<>();
    for (int i = 1; i <= trials; i++) {
      long began = System.nanoTime();
      TimeToDirectTrial.Result r = TimeToDirectTrial.run(lab, key, i);
      results.add(r);
      BenchReport.progress("time to direct, trial %d/%d (%.1f s): from the first packet, sender direct %d ms, both %d ms,"
          + " first reply %d ms (seq %d); homes %s%s", i, trials, (System.nanoTime() - began) / 1e9,
          r.fromFirstPacket(r.aDirectMs()), r.fromFirstPacket(r.bothMs()), r.fromFirstPacket(r.firstReplyMs()),
          r.firstReplySeq(), r.homes(), r.quiet() ? "" : " (daemons not quiet)");
    }
    report.kv("ttd_trials", trials);
    report.kv("ttd_poll_ms", TimeToDirectTrial.POLL.toMillis());
    summarize("ttd_sender_direct", results.stream().mapToLong(r -> r.fromFirstPacket(r.aDirectMs())).toArray());
    summarize("ttd_both_direct", results.stream().mapToLong(r -> r.fromFirstPacket(r.bothMs())).toArray());
    summarize("ttd_first_reply", results.stream().mapToLong(r -> r.fromFirstPacket(r.firstReplyMs())).toArray());
    summarize("ttd_ping_start", results.stream().mapToLong(TimeToDirectTrial.Result::pingStartMs).toArray());
    report.kv("ttd_first_reply_seq_all", quoted(results.stream().map(r -> Integer.toString(r.firstReplySeq()))));
    report.kv("ttd_homes_all", quoted(results.stream().map(TimeToDirectTrial.Result::homes)));
    long split = results.stream().filter(r -> {
      String[] h = r.homes().split("/");
      return h.length == 2 && !h[0].equals(h[1]);
    }).count();
    report.kv("ttd_trials_with_different_home_relays", split);
    report.kv("ttd_trials_not_quiet", results.stream().filter(r -> !r.quiet()).count());
  }

  /** All values, the failures (-1: not within the deadline) and p50/p90/max of the rest. */
  private void summarize(String prefix, long[] values) {
    report.kv(prefix + "_ms_all", quoted(Arrays.stream(values).mapToObj(Long::toString)));
    long[] ok = Arrays.stream(values).filter(v -> v >= 0).toArray();
    report.kv(prefix + "_failures", values.length - ok.length);
    if (ok.length == 0) {
      report.kv(prefix + "_p50_ms", "unavailable");
      return;
    }
    report.kv(prefix + "_min_ms", Arrays.stream(ok).min().orElseThrow());
    report.kv(prefix + "_p50_ms", BenchReport.percentile(ok, 50));
    report.kv(prefix + "_p90_ms", BenchReport.percentile(ok, 90));
    report.kv(prefix + "_max_ms", Arrays.stream(ok).max().orElseThrow());
  }

  @Test
  @Order(2)
  void throughputDirectRelayedAndUnderlay() {
    int seconds = BenchReport.envInt("BENCH_SECONDS", 5);
    int warmup = BenchReport.envInt("BENCH_WARMUP_SECONDS", 3);
    report.kv("tput_seconds", seconds);
    report.kv("tput_warmup_seconds", warmup);
    NatHost rawA = lab.addHost("rawa", Nat.EIM);
    NatHost rawB = lab.addHost("rawb", Nat.NONE);
    List<MeshNode> direct = pair("tpda", Nat.EIM, "tpdb", Nat.EIM);
    List<MeshNode> relayed = pair("tpra", Nat.EDM, "tprb", Nat.EDM);
    awaitPath(direct.get(0), direct.get(1), "direct", TO_DIRECT, TimeToDirectTrial::direct);
    awaitPath(direct.get(1), direct.get(0), "direct", TO_DIRECT, TimeToDirectTrial::direct);
    awaitPath(relayed.get(0), relayed.get(1), "relayed", SETTLE, NatBench::relayed);
    awaitPath(relayed.get(1), relayed.get(0), "relayed", SETTLE, NatBench::relayed);

    leg("underlay", rawA.netns(), rawB.netns(), rawB.publicAddress(), seconds, warmup);
    leg("direct", direct.get(0).netns(), direct.get(1).netns(), ipv4(direct.get(0), direct.get(1)), seconds, warmup);
    PeerStatus d = TimeToDirectTrial.peerOf(direct.get(0), direct.get(1));
    report.kv("direct_path_after", "\"" + describe(d) + "\"");
    assertThat(TimeToDirectTrial.direct(d)).as("the direct leg stayed direct: " + describe(d)).isTrue();

    long[] relayTicks = relayTicks();
    long start = System.nanoTime();
    leg("relayed", relayed.get(0).netns(), relayed.get(1).netns(), ipv4(relayed.get(0), relayed.get(1)), seconds,
        warmup);
    long[] after = relayTicks();
    double elapsed = (System.nanoTime() - start) / 1e9;
    report.kv("relayed_relay_cpu_cores", String.format(Locale.ROOT, "%.2f",
        (after[0] - relayTicks[0] + after[1] - relayTicks[1]) / 100.0 / elapsed));
    PeerStatus r = TimeToDirectTrial.peerOf(relayed.get(0), relayed.get(1));
    PeerStatus back = TimeToDirectTrial.peerOf(relayed.get(1), relayed.get(0));
    report.kv("relayed_path_after", "\"" + describe(r) + "; back: " + describe(back) + "\"");
    assertThat(relayed(r)).as("the relayed leg stayed relayed: " + describe(r)).isTrue();
  }

  /** Warm-up both ways (unreported), RTT, then iperf3 TCP forward and reverse. */
  private void leg(String name, Netns client, Netns server, String address, int seconds, int warmup) {
    BenchReport.progress("%s: warm-up %d s each way, then %d pings and %d s of iperf3 TCP each way to %s", name, warmup,
        RTT_PINGS, seconds, address);
    report.kv(name + "_loadavg_before", "\"" + BenchReport.loadAverage() + "\"");
    BenchIperf.tcp(client, server, address, warmup, false, lab.logDir(), name + "-warmup");
    BenchIperf.tcp(client, server, address, warmup, true, lab.logDir(), name + "-warmup");
    report.kv(name + "_rtt_ms", String.format(Locale.ROOT, "%.3f", BenchIperf.rttMs(client, address, RTT_PINGS)));
    double forward = BenchIperf.tcp(client, server, address, seconds, false, lab.logDir(), name);
    report.kv(name + "_gbps", BenchReport.gbps(forward));
    double reverse = BenchIperf.tcp(client, server, address, seconds, true, lab.logDir(), name);
    report.kv(name + "_reverse_gbps", BenchReport.gbps(reverse));
    BenchReport.progress("%s: %s / %s Gbit/s", name, BenchReport.gbps(forward), BenchReport.gbps(reverse));
  }

  private long[] relayTicks() {
    return NatLab.REGIONS.stream().mapToLong(r -> TimeToDirectTrial.cpuTicks(lab.relay(r).process().pid())).toArray();
  }

  /** Two nodes, up and in each other's map. */
  private List<MeshNode> pair(String a, Nat natA, String b, Nat natB) {
    MeshNode x = lab.addNode(a, natA);
    MeshNode y = lab.addNode(b, natB);
    List<MeshNode> both = List.of(x, y);
    Parallel.each(both, MeshNode::awaitDaemon);
    Parallel.each(both, n -> n.up(key));
    Await.until(a + " and " + b + " to list each other", SETTLE,
        () -> TimeToDirectTrial.peerOf(x, y) != null && TimeToDirectTrial.peerOf(y, x) != null, ok -> ok);
    return both;
  }

  private static String ipv4(MeshNode viewer, MeshNode peer) {
    return TimeToDirectTrial.peerOf(viewer, peer).tailscaleIps().getFirst().getHostAddress();
  }

  /** Pings {@code to} (ignoring loss) until {@code from}'s status of it passes {@code done}. */
  private static PeerStatus awaitPath(MeshNode from, MeshNode to, String what, Duration deadline,
      Predicate<PeerStatus> done) {
    String target = ipv4(from, to);
    return Await.until(from.hostname() + "'s path to " + to.hostname() + " to be " + what, deadline, () -> {
      from.netns().exec(Duration.ofSeconds(5), "ping", "-n", "-c", "1", "-W", "1", target);
      return TimeToDirectTrial.peerOf(from, to);
    }, p -> p != null && done.test(p));
  }

  private static boolean relayed(PeerStatus p) {
    return !TimeToDirectTrial.direct(p) && p.relay() != null && p.relay().startsWith("lab");
  }

  /** The path in words, without double quotes (the value goes inside a quoted key=value). */
  private static String describe(PeerStatus p) {
    if (p == null) {
      return "not a peer";
    }
    String path = TimeToDirectTrial.direct(p) ? "direct " + p.curAddr() : "relay " + p.relay() + " (" + p.relayReason() + ")";
    return path.replace('"', '\'');
  }

  private static String quoted(java.util.stream.Stream<String> values) {
    return values.collect(Collectors.joining(" ", "\"", "\""));
  }
}
