package dev.trellis.engine.netcheck;

import dev.trellis.protocol.control.RelayMap;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Measures one region, on the calling thread: STUN to every address of every relay that has a
 * STUN port, each try with a new transaction id so that an answer tells which send it answers;
 * then, only if no STUN server of the region answered, TCP connects to the relays' HTTP(S)
 * port, so that a node whose UDP is blocked still finds its nearest relay.
 *
 * <p>Timing: tries go out at {@code stunTries} after the first; STUN waits end at
 * {@code stunEnd}, TCP at {@code end} (both System.nanoTime). Latencies are read from
 * {@code ticker}, which tests replace.
 */
final class RegionProbe {
    private static final Logger LOG = Logger.getLogger(RegionProbe.class.getName());
    /** The relay's HTTP(S) port when the map gives 0 (RelayMap: "443 by default"). */
    static final int DEFAULT_RELAY_PORT = 443;

    /** One STUN answer: {@code server} saw us at {@code mapped}, {@code latency} after the answered send. */
    record StunAnswer(int region, InetSocketAddress server, InetSocketAddress mapped, Duration latency) {}

    /** What a region gave: its STUN answers, and the best TCP connect time (null: none, or not tried). */
    record Result(int region, List<StunAnswer> answers, Duration tcpLatency) {}

    private final StunPort port;
    private final LongSupplier ticker;
    private final List<Duration> stunTries;

    RegionProbe(StunPort port, LongSupplier ticker, List<Duration> stunTries) {
        this.port = port;
        this.ticker = ticker;
        this.stunTries = stunTries;
    }

    Result run(RelayMap.Region region, long stunEnd, long end) throws InterruptedException {
        List<RelayAddresses> relays = RelayAddresses.resolve(region.relays(), stunEnd);
        List<StunProbe> probes = new ArrayList<>();
        for (RelayAddresses r : relays) {
            if (r.relay().stunPort() <= 0) {
                continue; // RelayMap: 0 = this relay runs no STUN server
            }
            for (InetAddress a : r.all()) {
                probes.add(new StunProbe(region.id(), new InetSocketAddress(a, r.relay().stunPort())));
            }
        }
        List<StunAnswer> answers = stun(probes, stunEnd);
        Duration tcp = answers.isEmpty() ? tcp(region, relays, end) : null;
        return new Result(region.id(), answers, tcp);
    }

    private List<StunAnswer> stun(List<StunProbe> probes, long stunEnd) throws InterruptedException {
        if (probes.isEmpty()) {
            return List.of();
        }
        CompletableFuture<Void> allDone = CompletableFuture.allOf(
                probes.stream().map(p -> p.result).toArray(CompletableFuture[]::new));
        // Offsets count from now rather than from the run's start, so that a slow lookup of a
        // host name does not bunch the tries together.
        long first = System.nanoTime();
        try {
            for (Duration offset : stunTries) {
                waitUntil(allDone, Math.min(first + offset.toNanos(), stunEnd));
                if (allDone.isDone() || System.nanoTime() - stunEnd >= 0) {
                    break;
                }
                for (StunProbe p : probes) {
                    p.send();
                }
            }
            waitUntil(allDone, stunEnd);
        } finally {
            for (StunProbe p : probes) {
                p.stop();
            }
        }
        List<StunAnswer> answers = new ArrayList<>();
        for (StunProbe p : probes) {
            StunAnswer a = p.result.getNow(null);
            if (a != null) {
                answers.add(a);
            }
        }
        return answers;
    }

    /** Waits until {@code f} is done or {@code deadline} (System.nanoTime) has come. */
    private static void waitUntil(CompletableFuture<?> f, long deadline) throws InterruptedException {
        long wait = deadline - System.nanoTime();
        if (wait <= 0) {
            return;
        }
        try {
            f.get(wait, TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // the time has come (probe results never fail)
        }
    }

    /** One server address of one relay, tried up to {@code stunTries.size()} times. */
    private final class StunProbe {
        final int region;
        final InetSocketAddress server;
        /** The first answer, or null when the probe gave up; completed once. */
        final CompletableFuture<StunAnswer> result = new CompletableFuture<>();
        /** Touched by the region's thread only. */
        final List<CompletableFuture<InetSocketAddress>> tries = new ArrayList<>();

        StunProbe(int region, InetSocketAddress server) {
            this.region = region;
            this.server = server;
        }

        void send() {
            if (result.isDone()) {
                return;
            }
            long sent = ticker.getAsLong();
            CompletableFuture<InetSocketAddress> t;
            try {
                t = port.bindingRequest(server);
            } catch (IOException | IllegalArgumentException e) {
                // The path is unusable now (no route, no IPv6 on the socket): stop this probe, so
                // that the region need not wait for its deadline on our account.
                LOG.log(Level.FINE, "STUN to " + server + " not sent", e);
                stop();
                return;
            }
            tries.add(t);
            t.thenAccept(mapped -> result.complete(new StunAnswer(region, server, mapped,
                    Duration.ofNanos(Math.max(0, ticker.getAsLong() - sent)))));
        }

        /** Frees every try the port still keeps, and ends the probe if it had no answer. */
        void stop() {
            result.complete(null);
            for (CompletableFuture<InetSocketAddress> t : tries) {
                t.cancel(false);
            }
        }
    }

    /** The fastest TCP connect to any address of any relay of the region, before {@code end}; null if none. */
    private Duration tcp(RelayMap.Region region, List<RelayAddresses> relays, long end) throws InterruptedException {
        List<Callable<Duration>> connects = new ArrayList<>();
        for (RelayAddresses r : relays) {
            int p = r.relay().relayPort() > 0 ? r.relay().relayPort() : DEFAULT_RELAY_PORT;
            for (InetAddress a : r.all()) {
                connects.add(() -> connect(new InetSocketAddress(a, p), end));
            }
        }
        long wait = end - System.nanoTime();
        if (connects.isEmpty() || wait <= 0) {
            return null;
        }
        Duration best = null;
        // invokeAll interrupts what is still connecting at the deadline, which closes its socket.
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Future<Duration> f : ex.invokeAll(connects, wait, TimeUnit.NANOSECONDS)) {
                Duration d = f.state() == Future.State.SUCCESS ? f.resultNow() : null;
                if (d != null && (best == null || d.compareTo(best) < 0)) {
                    best = d;
                }
            }
        }
        if (best == null) {
            LOG.fine(() -> "region " + region.id() + ": no STUN answer and no relay accepted TCP");
        }
        return best;
    }

    private Duration connect(InetSocketAddress to, long end) {
        int timeoutMillis = (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()));
        try (Socket s = new Socket()) {
            long t0 = ticker.getAsLong();
            s.connect(to, timeoutMillis);
            return Duration.ofNanos(Math.max(0, ticker.getAsLong() - t0));
        } catch (IOException e) {
            LOG.log(Level.FINE, "TCP to relay " + to + " failed", e);
            return null;
        }
    }
}
