package dev.trellis.bench;

import dev.trellis.engine.controlclient.HttpDialer;
import dev.trellis.protocol.control.ServerKey;
import dev.trellis.protocol.key.MachinePublicKey;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The coordinator benchmark's load generator (run by {@code bench/coordinator.sh}). Against a
 * coordinator in another process it
 * <ol>
 *   <li>ramps up N simulated nodes: each connects, registers with the pre-auth key, opens its map
 *       stream and reads its full map, at most C at a time;
 *   <li>waits until the streams are quiet, then lets M more nodes join one at a time and records,
 *       for each of the N, the time from the join until its stream delivered the new peer. A
 *       join starts when the new node's RegisterRequest is written (its Noise connection is
 *       already up); it ends for a node when that node's reader has decrypted the message
 *       holding the new peer, so generator scheduling delay counts against the coordinator.
 * </ol>
 * Prints {@code key=value} lines on stdout, progress on stderr. CPU and memory of the
 * coordinator come from its /proc entries, the generator's from its own.
 */
public final class CoordinatorLoad {
    private record Options(URI url, String authKey, int nodes, int joins, int concurrency, long coordinatorPid,
            long ticksPerSecond, Duration joinTimeout, Duration settle, Duration rampTimeout, String jfrJoins) {}

    private final Options o;
    private final JoinProbe probe;
    private final HttpDialer dialer = new HttpDialer();
    private final List<SimNode> all = new ArrayList<>();
    private final AtomicInteger lost = new AtomicInteger();
    private MachinePublicKey serverKey;

    private CoordinatorLoad(Options o) {
        this.o = o;
        this.probe = new JoinProbe(o.nodes);
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("coordinator-load: " + e.getMessage());
            System.err.println("usage: CoordinatorLoad --url URL --auth-key KEY --nodes N --joins M"
                    + " --concurrency C --coordinator-pid PID [--clk-tck 100] [--join-timeout-s 60] [--settle-ms 1000] [--ramp-timeout-s 3600] [--jfr-joins FILE]"
                    + " (the pre-auth key in TRELLIS_BENCH_AUTH_KEY)");
            System.exit(2);
            return;
        }
        int status;
        CoordinatorLoad load = new CoordinatorLoad(o);
        try {
            status = load.run();
        } finally {
            load.all.forEach(SimNode::close);
        }
        System.exit(status);
    }

    private int run() throws Exception {
        ServerKey key = dialer.fetchKey(o.url);
        serverKey = MachinePublicKey.parse(key.publicKey());
        long self = ProcessHandle.current().pid();
        kv("nodes", o.nodes);
        kv("joins", o.joins);
        kv("ramp_concurrency", o.concurrency);

        // ---- ramp
        ProcStats c0 = ProcStats.read(o.coordinatorPid);
        ProcStats g0 = ProcStats.read(self);
        long t0 = System.nanoTime();
        ramp();
        long rampNanos = System.nanoTime() - t0;
        boolean quiet = probe.awaitQuiet(Duration.ofSeconds(2), Duration.ofMinutes(5));
        long settledNanos = System.nanoTime() - t0;
        ProcStats c1 = ProcStats.read(o.coordinatorPid);
        ProcStats g1 = ProcStats.read(self);
        kv("ramp_s", seconds(rampNanos));
        kv("ramp_until_quiet_s", seconds(settledNanos));
        kv("ramp_quiet", quiet);
        kv("ramp_coordinator_cpu_s", cpu(c1.cpuTicks() - c0.cpuTicks()));
        kv("ramp_coordinator_sys_s", cpu(c1.systemTicks() - c0.systemTicks()));
        kv("ramp_generator_cpu_s", cpu(g1.cpuTicks() - g0.cpuTicks()));
        kv("ramp_messages", probe.messages.sum());
        kv("ramp_mib_received_after_full_maps", probe.bytes.sum() >> 20);
        kv("coordinator_rss_after_ramp_mib", c1.rssKiB() >> 10);
        kv("coordinator_hwm_after_ramp_mib", c1.hwmKiB() >> 10);

        // ---- joins
        long[] joinMax = new long[o.joins];
        long[] joinFull = new long[o.joins];
        long[] deliveries = new long[o.joins * o.nodes];
        int delivered = 0;
        int timeouts = 0;
        if (o.jfrJoins != null) {
            jcmd("JFR.start", "name=joins", "settings=profile", "filename=" + o.jfrJoins);
        }
        long messagesBefore = probe.messages.sum();
        ProcStats c2 = ProcStats.read(o.coordinatorPid);
        ProcStats g2 = ProcStats.read(self);
        for (int j = 0; j < o.joins; j++) {
            SimNode joiner = new SimNode(o.nodes + j);
            all.add(joiner);
            joiner.connect(dialer, o.url, serverKey);
            probe.watch(joiner.nodeKeyText());
            long start = System.nanoTime();
            joiner.register(o.authKey);
            byte[] full = joiner.openStream();
            joinFull[j] = System.nanoTime() - start;
            joiner.follow(probe, lost::incrementAndGet);
            boolean all = probe.await(o.joinTimeout);
            long[] seen = probe.finish();
            long max = 0;
            for (long at : seen) {
                if (at != 0) {
                    long d = at - start;
                    deliveries[delivered++] = d;
                    max = Math.max(max, d);
                }
            }
            if (!all) {
                timeouts++;
                max = o.joinTimeout.toNanos();
            }
            joinMax[j] = max;
            int peers = SimNode.peerCount(full);
            progress("join %d: all %d nodes in %.1f ms (joiner's full map: %d peers, %d KiB, after %.1f ms)%s",
                    j + 1, o.nodes, max / 1e6, peers, full.length >> 10, joinFull[j] / 1e6, all ? "" : " TIMEOUT");
            if (peers != o.nodes + j) {
                throw new IllegalStateException("joiner " + (j + 1) + "'s full map has " + peers + " peers, expected "
                        + (o.nodes + j));
            }
            probe.awaitQuiet(Duration.ofMillis(300), Duration.ofSeconds(30));
            Thread.sleep(o.settle.toMillis());
        }
        ProcStats c3 = ProcStats.read(o.coordinatorPid);
        ProcStats g3 = ProcStats.read(self);
        long joinMessages = probe.messages.sum() - messagesBefore;
        if (o.jfrJoins != null) {
            jcmd("JFR.stop", "name=joins");
        }
        Percentiles reachAll = new Percentiles(joinMax);
        kv("join_to_all_p50_ms", ms(reachAll.at(50)));
        kv("join_to_all_p99_ms", ms(reachAll.at(99)));
        kv("join_to_all_max_ms", ms(reachAll.max()));
        kv("join_timeouts", timeouts);
        if (delivered > 0) {
            long[] d = java.util.Arrays.copyOf(deliveries, delivered);
            Percentiles each = new Percentiles(d);
            kv("delivery_p50_ms", ms(each.at(50)));
            kv("delivery_p99_ms", ms(each.at(99)));
            kv("deliveries", delivered);
        }
        Percentiles fullMap = new Percentiles(joinFull);
        kv("joiner_full_map_p50_ms", ms(fullMap.at(50)));
        kv("joiner_full_map_p99_ms", ms(fullMap.at(99)));
        double joinsCpu = cpu(c3.cpuTicks() - c2.cpuTicks());
        kv("joins_coordinator_cpu_s", joinsCpu);
        kv("coordinator_cpu_s_per_join", joinsCpu / o.joins);
        kv("joins_coordinator_sys_s", cpu(c3.systemTicks() - c2.systemTicks()));
        kv("joins_generator_cpu_s", cpu(g3.cpuTicks() - g2.cpuTicks()));
        kv("coordinator_rss_steady_mib", c3.rssKiB() >> 10);
        kv("coordinator_hwm_mib", c3.hwmKiB() >> 10);
        kv("generator_rss_mib", g3.rssKiB() >> 10);
        kv("generator_hwm_mib", g3.hwmKiB() >> 10);
        kv("joins_messages_per_node_per_join", (double) joinMessages / o.joins / o.nodes);
        kv("streams_lost", lost.get());
        // Last, because it runs a full collection in the coordinator: what it holds with every
        // stream open (its RSS follows the heap it was allowed to grow, not this).
        String histogram = jcmd("GC.class_histogram");
        histogram.lines().limit(16).forEach(line -> progress("coordinator heap: %s", line));
        for (String line : histogram.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3 && f[0].equals("Total")) {
                kv("coordinator_live_heap_mib", Long.parseLong(f[2]) >> 20);
            }
        }
        return timeouts == 0 && lost.get() == 0 ? 0 : 1;
    }

    /** Brings up nodes 0..N-1, at most {@code concurrency} at a time; throws on the first failure. */
    private void ramp() throws Exception {
        for (int i = 0; i < o.nodes; i++) {
            all.add(new SimNode(i));
        }
        Semaphore permits = new Semaphore(o.concurrency);
        AtomicInteger done = new AtomicInteger();
        AtomicReference<Exception> failure = new AtomicReference<>();
        long start = System.nanoTime();
        long deadline = start + o.rampTimeout.toNanos();
        Thread reporter = Thread.ofPlatform().daemon().name("ramp-progress").start(() -> {
            try {
                while (true) {
                    Thread.sleep(10_000);
                    ProcStats c = ProcStats.read(o.coordinatorPid);
                    progress("ramp: %d/%d nodes up after %.0f s; coordinator %.1f CPU s, RSS %d MiB", done.get(),
                            o.nodes, (System.nanoTime() - start) / 1e9, cpu(c.cpuTicks()), c.rssKiB() >> 10);
                }
            } catch (InterruptedException | IOException e) {
                // the ramp ended, or the coordinator is gone (the ramp fails on its own then)
            }
        });
        try {
            List<Thread> threads = new ArrayList<>(o.nodes);
            for (int i = 0; i < o.nodes && failure.get() == null; i++) {
                if (!permits.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    break;
                }
                SimNode n = all.get(i);
                threads.add(Thread.ofVirtual().name("ramp-" + i).start(() -> {
                    try {
                        bringUp(n);
                        done.incrementAndGet();
                    } catch (Exception e) {
                        failure.compareAndSet(null, e);
                    } finally {
                        permits.release();
                    }
                }));
            }
            for (Thread t : threads) {
                if (!t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) {
                    break;
                }
            }
        } finally {
            reporter.interrupt();
        }
        if (failure.get() != null) {
            throw new IOException("ramp failed after " + done.get() + " nodes", failure.get());
        }
        if (done.get() < o.nodes) {
            throw new IOException("ramp timed out: " + done.get() + " of " + o.nodes + " nodes had their full map after "
                    + o.rampTimeout.toSeconds() + " s (see the coordinator's log)");
        }
    }

    private void bringUp(SimNode n) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                n.connect(dialer, o.url, serverKey);
                n.register(o.authKey);
                n.openStream();
                n.follow(probe, lost::incrementAndGet);
                return;
            } catch (IOException e) {
                last = e;
                n.close();
            }
        }
        throw last;
    }

    /** Runs jcmd against the coordinator and returns its output; a failure is reported, not fatal. */
    private String jcmd(String... command) throws InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
        cmd.add(Long.toString(o.coordinatorPid));
        cmd.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                progress("jcmd %s failed: %s", String.join(" ", command), out.strip());
            }
            return out;
        } catch (IOException e) {
            progress("jcmd %s failed: %s", String.join(" ", command), e.getMessage());
            return "";
        }
    }

    private double cpu(long ticks) {
        return (double) ticks / o.ticksPerSecond;
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static void kv(String key, Object value) {
        String v = value instanceof Double d ? String.format(Locale.ROOT, "%.3f", d) : String.valueOf(value);
        System.out.println(key + "=" + v);
    }

    private static void progress(String format, Object... args) {
        System.err.println("[load] " + String.format(Locale.ROOT, format, args));
    }

    private static Options parse(String[] args) {
        URI url = null;
        String authKey = System.getenv("TRELLIS_BENCH_AUTH_KEY");
        int nodes = 1000;
        int joins = 20;
        int concurrency = 32;
        long pid = -1;
        long tck = 100;
        long joinTimeout = 60;
        long settle = 1000;
        long rampTimeout = 3600;
        String jfrJoins = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--url" -> url = URI.create(v);
                case "--nodes" -> nodes = positive(a, v);
                case "--joins" -> joins = positive(a, v);
                case "--concurrency" -> concurrency = positive(a, v);
                case "--coordinator-pid" -> pid = positive(a, v);
                case "--clk-tck" -> tck = positive(a, v);
                case "--join-timeout-s" -> joinTimeout = positive(a, v);
                case "--settle-ms" -> settle = positive(a, v);
                case "--ramp-timeout-s" -> rampTimeout = positive(a, v);
                case "--jfr-joins" -> jfrJoins = v;
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (url == null || authKey == null || pid < 0) {
            throw new IllegalArgumentException("--url, --coordinator-pid and TRELLIS_BENCH_AUTH_KEY in the environment are required");
        }
        return new Options(url, authKey, nodes, joins, concurrency, pid, tck, Duration.ofSeconds(joinTimeout),
                Duration.ofMillis(settle), Duration.ofSeconds(rampTimeout), jfrJoins);
    }

    private static int positive(String name, String v) {
        try {
            int n = Integer.parseInt(v);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException(name + " must be a positive integer, got " + v);
    }
}
