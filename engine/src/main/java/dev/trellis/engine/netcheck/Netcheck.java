package dev.trellis.engine.netcheck;

import dev.trellis.protocol.control.RelayMap;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Measures what the node's network allows, like Tailscale's netcheck: whether UDP gets out, the
 * node's public IPv4/IPv6 endpoints, whether its NAT maps per destination, the latency to every
 * relay region and the home region. STUN goes through the node's own socket ({@link StunPort}).
 *
 * <p>A run probes all regions at once (a virtual thread each). Per relay address it sends a
 * Binding Request at each of {@link Options#stunTries()} until one is answered (a new
 * transaction id per try, so the latency is from the send that was answered), and gives up at
 * {@link Options#stunTimeout()}. A region none of whose STUN servers answered (UDP blocked, or
 * relays without STUN) is then measured by TCP connect time to its relays' HTTP(S) port, until
 * {@link Options#timeout()}. A run never lasts much longer than that, answered or not, and
 * cancels every transaction it started before it returns.
 *
 * <p>The home region is the fastest, with hysteresis against the previous run (see
 * {@link PreferredRegion}): the previous home is kept while reachable unless the fastest is at
 * least a third faster. Runs are serialized; {@link #lastReport()} is the memory they share.
 */
public final class Netcheck {

    /**
     * @param timeout the most a run takes
     * @param stunTimeout how long STUN answers are awaited, at most {@code timeout}; the rest is
     *     left for TCP to regions that did not answer
     * @param stunTries when each try is sent, from the first: increasing, each before {@code stunTimeout}
     */
    public record Options(Duration timeout, Duration stunTimeout, List<Duration> stunTries) {
        /** 3 s in all, STUN for 1 s, tries at 0, 100 and 300 ms (RFC 8489's doubling RTO). */
        public static final Options DEFAULT = new Options(Duration.ofSeconds(3), Duration.ofSeconds(1),
                List.of(Duration.ZERO, Duration.ofMillis(100), Duration.ofMillis(300)));

        public Options {
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(stunTimeout, "stunTimeout");
            stunTries = List.copyOf(stunTries);
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("netcheck timeout must be positive, got " + timeout);
            }
            if (stunTimeout.isNegative() || stunTimeout.isZero() || stunTimeout.compareTo(timeout) > 0) {
                throw new IllegalArgumentException("STUN timeout must be positive and at most the timeout "
                        + timeout + ", got " + stunTimeout);
            }
            if (stunTries.isEmpty()) {
                throw new IllegalArgumentException("at least one STUN try is needed");
            }
            Duration previous = null;
            for (Duration t : stunTries) {
                if (t.isNegative() || t.compareTo(stunTimeout) >= 0 || (previous != null && t.compareTo(previous) <= 0)) {
                    throw new IllegalArgumentException("STUN tries must increase from 0 and come before the STUN "
                            + "timeout " + stunTimeout + ", got " + stunTries);
                }
                previous = t;
            }
        }
    }

    private final StunPort port;
    private final Clock clock;
    private final Options options;
    private final LongSupplier ticker;
    private final ReentrantLock running = new ReentrantLock();
    private volatile NetReport last;

    public Netcheck(StunPort port, Clock clock, Options options) {
        this(port, clock, options, System::nanoTime);
    }

    /** {@code ticker} (nanoseconds) measures latencies only; deadlines always follow System.nanoTime. */
    Netcheck(StunPort port, Clock clock, Options options, LongSupplier ticker) {
        this.port = Objects.requireNonNull(port, "port");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.options = Objects.requireNonNull(options, "options");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
    }

    /** The report of the last completed run, the reference for the home region's hysteresis. */
    public Optional<NetReport> lastReport() {
        return Optional.ofNullable(last);
    }

    /**
     * Probes every region of {@code map} and returns what was found; blocks for at most about
     * {@link Options#timeout()}. Concurrent calls run one after the other.
     *
     * @throws IllegalArgumentException if the map is invalid (see {@link RelayMap#validate()})
     * @throws InterruptedException if interrupted; the probes are then stopped and cancelled
     */
    public NetReport run(RelayMap map) throws InterruptedException {
        map.validate();
        running.lockInterruptibly();
        try {
            NetReport report = measure(map);
            last = report;
            return report;
        } finally {
            running.unlock();
        }
    }

    private NetReport measure(RelayMap map) throws InterruptedException {
        long start = System.nanoTime();
        long stunEnd = start + options.stunTimeout().toNanos();
        long end = start + options.timeout().toNanos();
        RegionProbe probe = new RegionProbe(port, ticker, options.stunTries());
        List<Callable<RegionProbe.Result>> tasks = new ArrayList<>();
        for (RelayMap.Region r : map.regions()) {
            tasks.add(() -> probe.run(r, stunEnd, end));
        }
        List<RegionProbe.Result> results = new ArrayList<>();
        // Every wait inside a region ends by its deadline, so invokeAll returns by then; if this
        // thread is interrupted, invokeAll cancels (interrupts) the regions and close() waits for
        // them to clean up.
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Future<RegionProbe.Result> f : ex.invokeAll(tasks)) {
                try {
                    results.add(f.get());
                } catch (ExecutionException e) {
                    throw new IllegalStateException("netcheck region probe failed", e.getCause());
                }
            }
        }
        NetReport previous = last;
        return assemble(results, previous == null ? 0 : previous.preferredRegion());
    }

    private NetReport assemble(List<RegionProbe.Result> results, int previousPreferred) {
        List<RegionProbe.StunAnswer> answers = new ArrayList<>();
        Map<Integer, Duration> latency = new HashMap<>();
        Map<Integer, Duration> v4 = new HashMap<>();
        Map<Integer, Duration> v6 = new HashMap<>();
        for (RegionProbe.Result r : results) {
            for (RegionProbe.StunAnswer a : r.answers()) {
                answers.add(a);
                Map<Integer, Duration> family = isV4(a.server()) ? v4 : v6;
                family.merge(r.region(), a.latency(), Netcheck::min);
                latency.merge(r.region(), a.latency(), Netcheck::min);
            }
            if (r.answers().isEmpty() && r.tcpLatency() != null) {
                latency.put(r.region(), r.tcpLatency());
            }
        }
        return new NetReport(!answers.isEmpty(), fastestMapped(answers, true), fastestMapped(answers, false),
                mappingVaries(answers), latency, v4, v6, PreferredRegion.choose(latency, previousPreferred),
                clock.instant());
    }

    /**
     * Whether IPv4 STUN servers at different IPs saw different mapped addresses; null if fewer
     * than two server IPs answered. With two or more server IPs, more than one distinct mapped
     * address means some pair of servers at different IPs disagreed.
     */
    static Boolean mappingVaries(List<RegionProbe.StunAnswer> answers) {
        Set<InetAddress> serverIps = new HashSet<>();
        Set<InetSocketAddress> mapped = new HashSet<>();
        for (RegionProbe.StunAnswer a : answers) {
            if (isV4(a.server())) {
                serverIps.add(a.server().getAddress());
                mapped.add(a.mapped());
            }
        }
        return serverIps.size() < 2 ? null : mapped.size() > 1;
    }

    /** The mapped address from the fastest answer of that family (when mappings vary, the nearest server's view). */
    private static InetSocketAddress fastestMapped(List<RegionProbe.StunAnswer> answers, boolean v4) {
        return answers.stream()
                .filter(a -> isV4(a.server()) == v4)
                .min(Comparator.comparing(RegionProbe.StunAnswer::latency))
                .map(RegionProbe.StunAnswer::mapped)
                .orElse(null);
    }

    private static boolean isV4(InetSocketAddress a) {
        return a.getAddress() instanceof Inet4Address;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
