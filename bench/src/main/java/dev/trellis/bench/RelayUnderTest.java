package dev.trellis.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;

/**
 * A {@code bin/trellis-relay} process on 127.0.0.1, started by the benchmark so that its CPU time
 * and resident memory ({@link ProcStats}) are its own. The launcher {@code exec}s java, so the
 * process we start is the relay's JVM: {@code jcmd} and {@code /proc} address it directly.
 */
final class RelayUnderTest implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(100);

    private final Process process;
    private final int port;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private RelayUnderTest(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts {@code launcher} listening on a free loopback port (no STUN), logging to {@code log},
     * with this JVM's java, and waits until {@code GET /health} answers 200.
     */
    static RelayUnderTest start(Path launcher, Path log, List<String> javaOpts) throws IOException, InterruptedException {
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(launcher.toString(), "--listen", "127.0.0.1:" + port,
                "--region", "900"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("TRELLIS_JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        env.put("TRELLIS_JAVA_OPTS", String.join(" ", javaOpts));
        RelayUnderTest relay = new RelayUnderTest(pb.start(), port, log);
        try {
            relay.awaitHealthy();
            return relay;
        } catch (IOException | RuntimeException | InterruptedException e) {
            relay.close();
            throw e;
        }
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    long pid() {
        return process.pid();
    }

    ProcStats stats() throws IOException {
        return ProcStats.read(process.pid());
    }

    private void awaitHealthy() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            requireAlive();
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(url().resolve("/health"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
                last = "HTTP " + r.statusCode();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(POLL);
        }
        throw new IOException("the relay did not answer /health within " + START_TIMEOUT.toSeconds() + " s (last: "
                + last + "); log " + log + ":\n" + tail());
    }

    /** {@code GET /metrics}, each metric's samples summed over their labels. */
    Map<String, Double> metrics() throws IOException, InterruptedException {
        requireAlive();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(url().resolve("/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET /metrics: HTTP " + r.statusCode());
        }
        return Prometheus.parse(r.body());
    }

    /** Waits until the relay's {@code trellis_relay_clients} gauge passes {@code done}; returns it. */
    long awaitClients(LongPredicate done, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long n = Prometheus.value(metrics(), "trellis_relay_clients");
            if (done.test(n)) {
                return n;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("the relay reports " + n + " clients after " + timeout.toSeconds()
                        + " s, not the count expected");
            }
            Thread.sleep(POLL);
        }
    }

    /**
     * Two full collections ({@code jcmd PID GC.run}), then waits (up to 5 s) until two readings of
     * VmRSS 200 ms apart differ by less than 64 KiB. Returns the live heap after the collection
     * (the used space of every generation, from {@code GC.heap_info}) and the settled RSS.
     */
    Settled settle() throws IOException, InterruptedException {
        jcmd("GC.run");
        jcmd("GC.run");
        String heap = jcmd("GC.heap_info");
        long rss = stats().rssKiB();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            Thread.sleep(200);
            long next = stats().rssKiB();
            boolean stable = Math.abs(next - rss) < 64;
            rss = next;
            if (stable) {
                break;
            }
        }
        return new Settled(rss, HeapInfo.usedKiB(heap));
    }

    /** What {@link #settle()} found: VmRSS and the live heap, in KiB. */
    record Settled(long rssKiB, long heapUsedKiB) {
        String rssMiB() {
            return String.format(Locale.ROOT, "%.1f", rssKiB / 1024.0);
        }

        String heapMiB() {
            return String.format(Locale.ROOT, "%.1f", heapUsedKiB / 1024.0);
        }
    }

    /** Writes the relay's class histogram ({@code jcmd PID GC.class_histogram}, after a full GC) to {@code file}. */
    void histogram(Path file) throws IOException, InterruptedException {
        Files.writeString(file, jcmd("GC.class_histogram"));
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), command).redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("jcmd " + process.pid() + " " + command + " failed: " + out.strip());
        }
        return out;
    }

    private void requireAlive() throws IOException {
        if (!process.isAlive()) {
            throw new IOException("the relay exited with status " + process.exitValue() + "; log " + log + ":\n" + tail());
        }
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    /** SIGTERM (the relay says Restarting and hangs up), then SIGKILL after 10 s. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "trellis-relay pid " + process.pid() + " on " + url() + " (log " + log + ")";
    }
}
