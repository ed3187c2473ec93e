package dev.trellis.desktop.testing;

import static dev.trellis.protocol.localapi.client.CannedServer.chunk;
import static dev.trellis.protocol.localapi.client.CannedServer.response;
import static dev.trellis.protocol.localapi.client.CannedServer.write;
import static java.nio.charset.StandardCharsets.UTF_8;

import dev.trellis.protocol.localapi.LocalApiJson;
import dev.trellis.protocol.localapi.LocalApiPaths;
import dev.trellis.protocol.localapi.MaskedPrefs;
import dev.trellis.protocol.localapi.Notify;
import dev.trellis.protocol.localapi.Prefs;
import dev.trellis.protocol.localapi.Status;
import dev.trellis.protocol.localapi.client.CannedServer;
import dev.trellis.protocol.localapi.client.CannedServer.Request;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for trellisd's LocalAPI on a Unix socket, for tests: it answers status and prefs
 * with what the test set (recorded-style JSON through the real codec), keeps watch-ipn-bus
 * streams open and pushes whatever the test publishes, and records every request that changes
 * something (start, login-interactive, logout, PATCH prefs) for the test to check.
 */
public final class FakeDaemon implements AutoCloseable {
    private static final Notify CLOSE = Notify.ofState("close", null);

    private final CannedServer server;
    private final List<BlockingQueue<Notify>> streams = new CopyOnWriteArrayList<>();
    /** Requests other than GET status / GET prefs / watch, in arrival order. */
    public final BlockingQueue<Request> actions = new LinkedBlockingQueue<>();
    private volatile Status status;
    private volatile Prefs prefs;

    public FakeDaemon(Path socket, Status status, Prefs prefs) throws IOException {
        this.status = status;
        this.prefs = prefs;
        this.server = new CannedServer(socket, this::respond);
    }

    public void set(Status s, Prefs p) {
        status = s;
        prefs = p;
    }

    public Status status() {
        return status;
    }

    /** Sends {@code n} to every open watch stream. */
    public void publish(Notify n) {
        for (BlockingQueue<Notify> q : streams) {
            q.add(n);
        }
    }

    /** How many watch streams are open now. */
    public int watchers() {
        return streams.size();
    }

    /** The next recorded action, or an AssertionError after {@code wait}. */
    public Request nextAction(Duration wait) throws InterruptedException {
        Request r = actions.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (r == null) {
            throw new AssertionError("no request reached the fake daemon within " + wait);
        }
        return r;
    }

    private void respond(Request req, SocketChannel ch) throws Exception {
        String target = req.target();
        String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
        switch (req.method() + " " + path) {
            case "GET " + LocalApiPaths.STATUS -> json(ch, LocalApiJson.encode(status));
            case "GET " + LocalApiPaths.PREFS -> json(ch, LocalApiJson.encode(prefs));
            case "GET " + LocalApiPaths.WATCH_IPN_BUS -> watch(ch);
            case "PATCH " + LocalApiPaths.PREFS -> {
                actions.add(req);
                MaskedPrefs edit = LocalApiJson.decode(req.body(), MaskedPrefs.class);
                prefs = edit.applyTo(prefs);
                json(ch, LocalApiJson.encode(prefs));
            }
            case "POST " + LocalApiPaths.START, "POST " + LocalApiPaths.LOGIN_INTERACTIVE,
                    "POST " + LocalApiPaths.LOGOUT -> {
                actions.add(req);
                write(ch, "HTTP/1.1 204 No Content\r\n\r\n");
            }
            default -> {
                actions.add(req);
                write(ch, response(404, "Not Found", "application/json",
                        "{\"error\":\"no such endpoint\",\"code\":\"not_found\"}"));
            }
        }
    }

    private static void json(SocketChannel ch, byte[] body) throws IOException {
        write(ch, response(200, "OK", "application/json", new String(body, UTF_8)));
    }

    private void watch(SocketChannel ch) throws Exception {
        BlockingQueue<Notify> q = new LinkedBlockingQueue<>();
        write(ch, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
        write(ch, chunk(new String(LocalApiJson.encode(new Notify("fake", null, null, false,
                status.backendState(), prefs, null, null, null, null)), UTF_8) + "\n"));
        streams.add(q);
        try {
            while (true) {
                Notify n = q.take();
                if (n == CLOSE) {
                    return;
                }
                write(ch, chunk(new String(LocalApiJson.encode(n), UTF_8) + "\n"));
            }
        } finally {
            streams.remove(q);
        }
    }

    /** Hangs up every watch stream, as a daemon that stops does. */
    public void dropStreams() {
        publish(CLOSE);
    }

    @Override
    public void close() throws IOException {
        dropStreams();
        server.close();
    }
}
