package dev.trellis.bench;

import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.relay.RelayClient;
import dev.trellis.protocol.relay.RelayClientOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.time.Duration;

/**
 * The relay under load, in two parts, each against a fresh {@code bin/trellis-relay} process on
 * loopback (see {@link RelayUnderTest}; this JVM is only the load):
 *
 * <ol>
 *   <li><b>Memory per connection.</b> The relay's VmRSS and live heap after a GC settle with no
 *       clients, then with N idle clients (authenticated, attached, silent) for each N of
 *       {@code --idle}; per connection = (with N − with none) / N.
 *   <li><b>Forwarding.</b> {@code --pairs} sender → receiver pairs ({@link RelayForwarding})
 *       stream {@code --packet}-byte packets for {@code --warmup} s (not counted), then for
 *       {@code --seconds} s: packets per second and payload Mbit/s received, the relay's CPU.
 * </ol>
 *
 * Prints {@code key=value} lines on stdout, progress on stderr; exits 1 with a message on stderr
 * when a part fails.
 */
public final class RelayLoad {
    private record Options(Path relay, Path work, int pairs, int seconds, int warmup, int packet, int window,
            List<Integer> idle, int concurrency, long clkTck, List<String> relayOpts) {}

    private final Options o;

    private RelayLoad(Options o) {
        this.o = o;
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("RelayLoad: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            RelayLoad load = new RelayLoad(o);
            load.memory();
            load.forwarding();
        } catch (IOException e) {
            System.err.println("RelayLoad: " + e.getMessage());
            System.exit(1);
        }
    }

    private void memory() throws IOException, InterruptedException {
        kv("relay_opts", "\"" + String.join(" ", o.relayOpts) + "\"");
        try (RelayUnderTest relay = RelayUnderTest.start(o.relay, o.work.resolve("relay-memory.log"), o.relayOpts)) {
            progress("memory: %s", relay);
            RelayUnderTest.Settled base = relay.settle();
            kv("relay_idle_0_rss_mib", base.rssMiB());
            kv("relay_idle_0_heap_mib", base.heapMiB());
            List<RelayClient> clients = Collections.synchronizedList(new ArrayList<>());
            RelayUnderTest.Settled previous = base;
            int previousCount = 0;
            try {
                for (int n : o.idle) {
                    long start = System.nanoTime();
                    connectIdle(relay.url(), n - clients.size(), clients);
                    relay.awaitClients(c -> c == n, Duration.ofSeconds(60));
                    double took = (System.nanoTime() - start) / 1e9;
                    RelayUnderTest.Settled s = relay.settle();
                    progress("memory: %d idle clients (connected in %.1f s): RSS %s MiB, live heap %s MiB", n, took,
                            s.rssMiB(), s.heapMiB());
                    kv("relay_idle_" + n + "_rss_mib", s.rssMiB());
                    kv("relay_idle_" + n + "_heap_mib", s.heapMiB());
                    kv("relay_idle_" + n + "_rss_kib_per_conn", fmt((double) (s.rssKiB() - base.rssKiB()) / n));
                    kv("relay_idle_" + n + "_heap_kib_per_conn", fmt((double) (s.heapUsedKiB() - base.heapUsedKiB()) / n));
                    if (previousCount > 0) {
                        // the cost of the connections added in this step alone: start-up and first-use costs
                        // (heap sizing, JIT, carrier threads) are in the previous step's figure
                        int added = n - previousCount;
                        kv("relay_idle_" + n + "_marginal_rss_kib_per_conn",
                                fmt((double) (s.rssKiB() - previous.rssKiB()) / added));
                        kv("relay_idle_" + n + "_marginal_heap_kib_per_conn",
                                fmt((double) (s.heapUsedKiB() - previous.heapUsedKiB()) / added));
                    }
                    previous = s;
                    previousCount = n;
                }
                if (!o.idle.isEmpty()) {
                    Path file = o.work.resolve("relay-histogram-" + o.idle.getLast() + ".txt");
                    relay.histogram(file);
                    progress("memory: the relay's class histogram with %d idle clients is in %s", o.idle.getLast(), file);
                }
            } finally {
                synchronized (clients) {
                    clients.forEach(RelayClient::close);
                }
            }
        }
    }

    /** Connects {@code count} more idle clients, {@code --connect-concurrency} at a time. */
    private void connectIdle(URI url, int count, List<RelayClient> into) throws IOException, InterruptedException {
        Semaphore slots = new Semaphore(o.concurrency);
        List<Future<?>> done = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < count; i++) {
                slots.acquire();
                done.add(pool.submit(() -> {
                    try {
                        into.add(connectWithRetry(url));
                        return null;
                    } finally {
                        slots.release();
                    }
                }));
            }
        }
        for (Future<?> f : done) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IOException("an idle client could not connect: " + e.getCause(), e.getCause());
            }
        }
    }

    private static RelayClient connectWithRetry(URI url) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return RelayClient.connect(url, NodePrivateKey.generate(), RelayClientOptions.defaults(),
                        (src, packet) -> { });
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }

    private void forwarding() throws IOException, InterruptedException {
        kv("relay_fwd_pairs", o.pairs);
        kv("relay_fwd_packet_bytes", o.packet);
        kv("relay_fwd_window_packets", o.window);
        kv("relay_fwd_seconds", o.seconds);
        try (RelayUnderTest relay = RelayUnderTest.start(o.relay, o.work.resolve("relay-forwarding.log"), o.relayOpts);
                RelayForwarding load = RelayForwarding.connect(relay.url(), o.pairs, o.packet, o.window)) {
            relay.awaitClients(c -> c == 2L * o.pairs, Duration.ofSeconds(60));
            progress("forwarding: %d pairs on %s; warm-up %d s, then %d s measured", o.pairs, relay, o.warmup,
                    o.seconds);
            load.start();
            Thread.sleep(Duration.ofSeconds(o.warmup)); // a fixed warm-up window, not a wait for a condition
            RelayForwarding.Snapshot s0 = load.snapshot();
            ProcStats r0 = relay.stats();
            ProcStats g0 = ProcStats.read(ProcessHandle.current().pid());
            MachineCpu c0 = MachineCpu.read();
            Map<String, Double> m0 = relay.metrics();
            Thread.sleep(Duration.ofSeconds(o.seconds)); // the measured interval itself
            RelayForwarding.Snapshot s1 = load.snapshot();
            ProcStats r1 = relay.stats();
            ProcStats g1 = ProcStats.read(ProcessHandle.current().pid());
            MachineCpu c1 = MachineCpu.read();
            Map<String, Double> m1 = relay.metrics();
            double dt = (s1.nanos() - s0.nanos()) / 1e9;
            double pps = (s1.packets() - s0.packets()) / dt;
            long[] perPair = new long[o.pairs];
            for (int i = 0; i < perPair.length; i++) {
                perPair[i] = s1.perPair()[i] - s0.perPair()[i];
            }
            Arrays.sort(perPair);
            long forwarded = Prometheus.value(m1, "trellis_relay_packets_forwarded_total")
                    - Prometheus.value(m0, "trellis_relay_packets_forwarded_total");
            long dropped = Prometheus.value(m1, "trellis_relay_packets_dropped_total")
                    - Prometheus.value(m0, "trellis_relay_packets_dropped_total");
            double relayCpu = (r1.cpuTicks() - r0.cpuTicks()) / (double) o.clkTck / dt;
            double loadCpu = (g1.cpuTicks() - g0.cpuTicks()) / (double) o.clkTck / dt;
            kv("relay_fwd_pps", Math.round(pps));
            kv("relay_fwd_mbps", fmt(pps * o.packet * 8 / 1e6));
            kv("relay_fwd_relay_counted_pps", Math.round(forwarded / dt));
            kv("relay_fwd_pair_pps_min", Math.round(perPair[0] / dt));
            kv("relay_fwd_pair_pps_p50", Math.round(new Percentiles(perPair).at(50) / dt));
            kv("relay_fwd_pair_pps_max", Math.round(perPair[perPair.length - 1] / dt));
            kv("relay_fwd_relay_dropped", dropped);
            kv("relay_fwd_stalls", s1.stalls() - s0.stalls());
            kv("relay_fwd_client_queue_refusals", s1.refused() - s0.refused());
            kv("relay_fwd_closed_clients", load.closedClients());
            kv("relay_fwd_relay_cpu_cores", fmt(relayCpu));
            kv("relay_fwd_relay_user_share", fmt(share(r1.userTicks() - r0.userTicks(), r1.cpuTicks() - r0.cpuTicks())));
            kv("relay_fwd_load_cpu_cores", fmt(loadCpu));
            double machineBusy = (c1.busyTicks() - c0.busyTicks()) / (double) o.clkTck / dt;
            kv("relay_fwd_machine_busy_cores", fmt(machineBusy));
            // what neither the relay nor this generator used: other processes on a shared machine
            kv("relay_fwd_others_cpu_cores", fmt(Math.max(0, machineBusy - relayCpu - loadCpu)));
            kv("relay_fwd_pps_per_relay_core", relayCpu > 0 ? Math.round(pps / relayCpu) : "unavailable");
            kv("relay_fwd_relay_rss_mib", fmt(r1.rssKiB() / 1024.0));
            kv("relay_fwd_relay_hwm_mib", fmt(r1.hwmKiB() / 1024.0));
            progress("forwarding: %.0f packets/s, %.1f Mbit/s; relay %.2f cores, load generator %.2f cores", pps,
                    pps * o.packet * 8 / 1e6, relayCpu, loadCpu);
        }
    }

    private static double share(long part, long whole) {
        return whole == 0 ? 0 : (double) part / whole;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static void kv(String key, Object value) {
        System.out.println(key + "=" + value);
    }

    private static void progress(String format, Object... args) {
        System.err.println("[relay-load] " + String.format(Locale.ROOT, format, args));
    }

    private static Options parse(String[] args) {
        Path relay = null;
        Path work = Path.of(System.getProperty("java.io.tmpdir"));
        int pairs = 100;
        int seconds = 10;
        int warmup = 3;
        int packet = 1024;
        int window = 64;
        List<Integer> idle = List.of(1000, 5000);
        int concurrency = 64;
        long clkTck = 100;
        List<String> relayOpts = List.of();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--relay" -> relay = Path.of(v);
                case "--work" -> work = Path.of(v);
                case "--pairs" -> pairs = positive(a, v);
                case "--seconds" -> seconds = positive(a, v);
                case "--warmup" -> warmup = nonNegative(a, v);
                case "--packet" -> packet = positive(a, v);
                case "--window" -> window = positive(a, v);
                case "--idle" -> idle = idleCounts(v);
                case "--connect-concurrency" -> concurrency = positive(a, v);
                case "--clk-tck" -> clkTck = positive(a, v);
                case "--relay-opts" -> relayOpts = v.isBlank() ? List.of() : List.of(v.trim().split("\\s+"));
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (relay == null) {
            throw new IllegalArgumentException("--relay PATH (bin/trellis-relay) is required");
        }
        if (packet > 65_536) {
            throw new IllegalArgumentException("--packet must be at most 65536 (the relay's packet limit), got " + packet);
        }
        if (window > 256) {
            throw new IllegalArgumentException("--window must be at most 256 (below the client's 512-frame queue), got "
                    + window);
        }
        return new Options(relay, work, pairs, seconds, warmup, packet, window, idle, concurrency, clkTck, relayOpts);
    }

    /** "1000,5000" or "1000 5000": ascending, each connection added on top of the previous ones. */
    static List<Integer> idleCounts(String v) {
        List<Integer> out = new ArrayList<>();
        for (String s : v.trim().split("[,\\s]+")) {
            if (s.isEmpty()) {
                continue;
            }
            int n = positive("--idle", s);
            if (!out.isEmpty() && n <= out.getLast()) {
                throw new IllegalArgumentException("--idle counts must ascend, got " + v);
            }
            out.add(n);
        }
        return List.copyOf(out);
    }

    private static int positive(String name, String v) {
        int n = nonNegative(name, v);
        if (n == 0) {
            throw new IllegalArgumentException(name + " must be a positive integer, got " + v);
        }
        return n;
    }

    private static int nonNegative(String name, String v) {
        try {
            int n = Integer.parseInt(v);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException(name + " must be a non-negative integer, got " + v);
    }
}
