package dev.trellis.lab.control;

import dev.trellis.daemon.backend.LocalBackend;
import dev.trellis.daemon.localapi.LocalApiServer;
import dev.trellis.daemon.state.StateDir;
import dev.trellis.daemon.state.StateStore;
import dev.trellis.engine.controlclient.ControlClient;
import dev.trellis.engine.controlclient.HttpDialer;
import dev.trellis.protocol.control.Hostinfo;
import dev.trellis.protocol.http.Http1Client;
import dev.trellis.protocol.http.HttpResult;
import dev.trellis.protocol.http.StreamingResult;
import dev.trellis.protocol.localapi.LocalApiJson;
import dev.trellis.protocol.localapi.LocalApiPaths;
import dev.trellis.protocol.localapi.Notify;
import dev.trellis.protocol.localapi.Status;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The daemon's real backend and LocalAPI (on a Unix socket in a temp dir) with a
 * {@link FakeEngine} instead of TUN and WireGuard, and an HTTP client to call it as the CLI does.
 */
final class DaemonUnderTest implements AutoCloseable {
    static final ControlClient.Timing FAST =
            new ControlClient.Timing(Duration.ofMillis(50), Duration.ofMillis(300), Duration.ofSeconds(10));
    final Path stateDir;
    final Path socket;
    final FakeEngine engine = new FakeEngine();
    final LocalBackend backend;
    private final LocalApiServer api;
    private final Http1Client http;

    DaemonUnderTest(Path dir) throws IOException {
        this.stateDir = dir.resolve("state");
        this.socket = dir.resolve("trellisd.sock");
        backend = new LocalBackend(new StateStore(StateDir.open(stateDir)), engine,
                (url, state, listener) -> new ControlClient(url, state.machineKey(), state.serverKey(), new HttpDialer(),
                        listener, () -> new Hostinfo(state.hostname(), "linux", null, "test"), FAST),
                Clock.systemUTC(), "0.1.0-test");
        backend.start();
        api = LocalApiServer.start(backend, socket, null);
        http = Http1Client.unix(socket, Duration.ofSeconds(5));
    }

    HttpResult call(String method, String path, String json) throws IOException {
        return http.send(method, path, Map.of("Host", LocalApiPaths.HOST, "Content-Type", "application/json"),
                json == null ? null : json.getBytes(StandardCharsets.UTF_8));
    }

    Status status() throws Exception {
        HttpResult r = call("GET", LocalApiPaths.STATUS, null);
        if (r.status() != 200) {
            throw new AssertionError("status answered " + r.status() + ": " + r.bodyText());
        }
        return LocalApiJson.decode(r.body(), Status.class);
    }

    Status awaitStatus(String what, Predicate<Status> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Status s = status();
        while (!condition.test(s)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "; last status " + s);
            }
            Thread.sleep(20);
            s = status();
        }
        return s;
    }

    /** Opens watch-ipn-bus and reads it on a thread into a queue. */
    Watch watch(long mask) throws IOException {
        Http1Client streamClient = Http1Client.unix(socket, Duration.ofSeconds(5));
        StreamingResult r = streamClient.stream("GET", LocalApiPaths.watchIpnBus(mask), Map.of("Host", LocalApiPaths.HOST), null);
        if (r.status() != 200) {
            throw new IOException("watch answered " + r.status());
        }
        return new Watch(r, streamClient);
    }

    static final class Watch implements AutoCloseable {
        final LinkedBlockingQueue<Notify> queue = new LinkedBlockingQueue<>();
        private final StreamingResult stream;
        private final Http1Client client;

        Watch(StreamingResult stream, Http1Client client) {
            this.stream = stream;
            this.client = client;
            Thread.ofVirtual().start(() -> {
                try (var in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        queue.add(LocalApiJson.decode(line.getBytes(StandardCharsets.UTF_8), Notify.class));
                    }
                } catch (Exception e) {
                    // closed
                }
            });
        }

        /** The first message satisfying {@code condition}, skipping others; fails after 10 s. */
        Notify await(String what, Predicate<Notify> condition) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                Notify n = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
                if (n == null) {
                    throw new AssertionError("no " + what + " on the bus within 10 s");
                }
                if (condition.test(n)) {
                    return n;
                }
            }
        }

        @Override
        public void close() {
            stream.close();
            client.close();
        }
    }

    @Override
    public void close() {
        http.close();
        api.close();
        backend.close();
    }
}
