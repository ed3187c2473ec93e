package dev.trellis.coordinator.admin;

import dev.trellis.coordinator.control.ControlMetrics;
import dev.trellis.coordinator.metrics.CoordinatorMetrics;
import dev.trellis.coordinator.tailnet.Tailnet;
import dev.trellis.protocol.http.Handler;
import dev.trellis.protocol.http.HttpExchange;
import dev.trellis.protocol.http.HttpResponse;
import dev.trellis.protocol.http.Router;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Wires the admin front end into a coordinator: {@code /api/v1/} (API keys) and
 * {@code /metrics} (open; see {@link CoordinatorMetrics}) on the main port, and the
 * {@link AdminSocket}. Routes are installed before the server binds and answer 503 until
 * {@link #start} has the tailnet, which exists only once the server URL is known.
 */
public final class AdminEndpoints implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("trellis.coordinator.admin");

    private final Late api = new Late();
    private final Late metrics = new Late();
    private volatile AdminSocket socket;

    private AdminEndpoints() {}

    /** Adds the main port's admin routes to {@code router}. */
    public static AdminEndpoints install(Router router) {
        AdminEndpoints e = new AdminEndpoints();
        for (String method : new String[] {"GET", "POST", "PUT", "DELETE"}) {
            router.prefix(method, AdminApi.PREFIX, e.api);
        }
        router.route("GET", "/metrics", e.metrics);
        return e;
    }

    /**
     * Starts serving: the routes on the main port, and the admin socket in {@code dataDir}.
     *
     * @param httpOpenConnections the main server's open connections, for the metrics
     * @throws IOException if the admin socket cannot be bound (e.g. another coordinator uses
     *     this data directory)
     */
    public void start(Tailnet tailnet, ControlMetrics control, IntSupplier httpOpenConnections, Path dataDir)
            throws IOException {
        start(tailnet, control, httpOpenConnections, () -> "", dataDir);
    }

    /**
     * As above; {@code moreMetrics} is Prometheus text of other parts of the process (the
     * embedded relay's), appended to every scrape.
     */
    public void start(Tailnet tailnet, ControlMetrics control, IntSupplier httpOpenConnections,
            Supplier<String> moreMetrics, Path dataDir) throws IOException {
        Clock clock = Clock.systemUTC();
        Handler metricsHandler = new CoordinatorMetrics(tailnet.hub(), control, httpOpenConnections, moreMetrics)
                .handler();
        api.target = new AdminApi(tailnet, clock, AdminAuth.apiKeys(tailnet.store(), clock));
        metrics.target = metricsHandler;
        if (AdminSocket.supported()) {
            socket = AdminSocket.open(dataDir, tailnet, clock, metricsHandler);
        } else {
            LOG.log(System.Logger.Level.WARNING, "no admin socket on this platform: administer the coordinator"
                    + " through the HTTP API with an API key");
        }
    }

    /** The admin socket, if one is open. */
    public Optional<Path> socketPath() {
        AdminSocket s = socket;
        return s == null ? Optional.empty() : Optional.of(s.path());
    }

    @Override
    public void close() {
        AdminSocket s = socket;
        if (s != null) {
            s.close();
        }
    }

    /** A handler filled in once the coordinator has started; 503 before. */
    private static final class Late implements Handler {
        volatile Handler target;

        @Override
        public void handle(HttpExchange ex) throws IOException {
            Handler t = target;
            if (t == null) {
                ex.respond(HttpResponse.of(503, "application/json",
                        AdminJson.write(Map.of("error", "the coordinator is starting; retry in a moment",
                                "code", "starting"))));
                return;
            }
            t.handle(ex);
        }
    }
}
