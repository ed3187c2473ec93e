package dev.trellis.coordinator;

import dev.trellis.protocol.http.PemTls;
import dev.trellis.coordinator.admin.AdminEndpoints;
import dev.trellis.coordinator.control.ControlMetrics;
import dev.trellis.coordinator.control.ControlServer;
import dev.trellis.coordinator.login.LoginConfig;
import dev.trellis.coordinator.login.LoginPages;
import dev.trellis.coordinator.cluster.ChangeBus;
import dev.trellis.coordinator.cluster.ChangeBuses;
import dev.trellis.coordinator.netmap.PeerPolicy;
import dev.trellis.coordinator.relay.EmbeddedRelay;
import dev.trellis.coordinator.store.Store;
import dev.trellis.coordinator.store.Stores;
import dev.trellis.coordinator.tailnet.Tailnet;
import dev.trellis.coordinator.tailnet.TailnetConfig;
import dev.trellis.protocol.http.HttpLimits;
import dev.trellis.protocol.http.HttpServer;
import dev.trellis.protocol.http.Router;
import dev.trellis.protocol.control.RelayMap;
import dev.trellis.protocol.key.MachinePrivateKey;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * The coordinator's composition root: opens the store, loads the tailnet, and serves the
 * control protocol and web pages on one HTTP(S) port. Holds no protocol logic itself.
 */
public final class Coordinator implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("trellis.coordinator");

    private final Store store;
    private final ChangeBus bus;
    private final Tailnet tailnet;
    private final HttpServer http;
    private final URI serverUrl;
    private final ControlMetrics metrics;
    private final AdminEndpoints admin; // admin API, metrics, admin socket
    private final EmbeddedRelay relay; // null without --embedded-relay
    private final RelayMap relayMap;

    private Coordinator(Store store, ChangeBus bus, Tailnet tailnet, HttpServer http, URI serverUrl,
            ControlMetrics metrics, AdminEndpoints admin, EmbeddedRelay relay, RelayMap relayMap) {
        this.store = store;
        this.bus = bus;
        this.tailnet = tailnet;
        this.http = http;
        this.serverUrl = serverUrl;
        this.metrics = metrics;
        this.admin = admin;
        this.relay = relay;
        this.relayMap = relayMap;
    }

    public static Coordinator start(CoordinatorConfig config) throws IOException {
        Store store = Stores.open(config.databaseUrl(), config.dataDir());
        ChangeBus bus = null;
        EmbeddedRelay relay = null;
        try {
            // Other coordinators on the same PostgreSQL database hear of our changes and we of
            // theirs; on SQLite (one process) the bus is a no-op.
            bus = ChangeBuses.forDatabase(config.databaseUrl());
            MachinePrivateKey serverKey = MachinePrivateKey.fromBytes(
                    store.controlPrivateKey(() -> MachinePrivateKey.generate().toBytes()));
            SSLContext tls = config.tls() ? PemTls.context(config.tlsCert(), config.tlsKey()) : null;
            ControlMetrics metrics = new ControlMetrics();
            Router router = new Router();
            // The server URL is known only once bound (port 0 in tests); the tailnet is wired
            // into the router through a holder that is filled right after binding.
            TailnetHolder holder = new TailnetHolder();
            router.route("GET", "/health", ex -> ex.respond(200, "text/plain; charset=utf-8",
                    "ok\n".getBytes(StandardCharsets.UTF_8)));
            router.prefix("GET", "/", holder);
            router.prefix("POST", "/", holder);
            AdminEndpoints admin = AdminEndpoints.install(router); // admin: /api/v1/ and /metrics
            if (config.embeddedRelay() != null) {
                if (config.databaseUrl() != null) {
                    LOG.log(System.Logger.Level.WARNING, "--embedded-relay with a shared database: if several"
                            + " coordinators serve this network, nodes on different ones cannot reach each other"
                            + " through their embedded relays; run trellis-relay and --relay-map instead");
                }
                relay = EmbeddedRelay.open(config.dataDir());
                relay.mount(router); // the exact route /relay wins over the tailnet's prefix routes
            }
            HttpServer http = HttpServer.tcp(config.listen(), tls, router, HttpLimits.defaults().withMaxConnections(50_000));
            URI url;
            Tailnet tailnet;
            RelayMap relayMap = config.relayMap();
            try {
                url = config.effectiveServerUrl(http.tcpAddress());
                if (relay != null) {
                    relay.startStun(config.embeddedRelay().stunListenFor(http.tcpAddress()));
                    relayMap = EmbeddedRelay.addTo(relayMap, relay.region(url));
                }
                tailnet = new Tailnet(store, new TailnetConfig(url, config.domain(), config.nodeKeyExpiry(),
                        config.ephemeralTimeout(), TailnetConfig.DEFAULT_LOGIN_TIMEOUT), PeerPolicy.allowAll(),
                        Clock.systemUTC(), config.keepAlive(), bus);
                tailnet.hub().relayMap(relayMap);
                tailnet.start();
            } catch (IOException | RuntimeException e) {
                http.close();
                throw e;
            }
            try {
                Router routes = new ControlServer(tailnet, serverKey, metrics).routes(new Router());
                // With OIDC this runs the provider's discovery and fails fast if it is unreachable.
                new LoginPages(tailnet, config.oidc() == null ? LoginConfig.local()
                        : LoginConfig.oidc(config.oidc().at(url))).routes(routes);
                holder.router = routes;
                // admin: API, metrics (the embedded relay's too) and <data-dir>/run/admin.sock
                EmbeddedRelay r = relay;
                admin.start(tailnet, metrics, http::openConnections, r == null ? () -> "" : r::prometheus,
                        config.dataDir());
            } catch (IOException | RuntimeException e) {
                http.close();
                tailnet.close();
                throw e;
            }
            LOG.log(System.Logger.Level.INFO, "coordinator " + serverKey.publicKey().shortString() + " serving "
                    + url + " (listening on " + http.tcpAddress() + ", " + (config.databaseUrl() == null
                            ? "SQLite in " + config.dataDir() : "PostgreSQL") + ", login "
                            + (config.oidc() == null ? "built in" : "at " + config.oidc().issuer()) + ")"
                            + (relay == null ? "" : ", with a relay at " + url.resolve("/relay") + " and STUN on UDP "
                                    + relay.stunAddress()));
            return new Coordinator(store, bus, tailnet, http, url, metrics, admin, relay, relayMap);
        } catch (IOException | RuntimeException e) {
            if (relay != null) {
                relay.close();
            }
            if (bus != null) {
                bus.close();
            }
            store.close();
            throw e;
        }
    }

    /** Routes to the tailnet's handlers once they exist; 503 before. */
    private static final class TailnetHolder implements dev.trellis.protocol.http.Handler {
        volatile Router router;

        @Override
        public void handle(dev.trellis.protocol.http.HttpExchange ex) throws IOException {
            Router r = router;
            if (r == null) {
                throw new dev.trellis.protocol.http.HttpStatusException(503, "starting up; retry in a moment");
            }
            r.handle(ex);
        }
    }

    public InetSocketAddress address() {
        return http.tcpAddress();
    }

    public URI serverUrl() {
        return serverUrl;
    }

    public Tailnet tailnet() {
        return tailnet;
    }

    /** The change bus to other coordinators on the same database (a no-op one on SQLite). */
    public ChangeBus bus() {
        return bus;
    }

    public ControlMetrics metrics() {
        return metrics;
    }

    /** The relay map nodes are sent: the configured one, plus the embedded relay's region if any. */
    public RelayMap relayMap() {
        return relayMap;
    }

    /** The relay running in this process ({@code serve --embedded-relay}), if any. */
    public Optional<EmbeddedRelay> embeddedRelay() {
        return Optional.ofNullable(relay);
    }

    @Override
    public void close() {
        if (relay != null) {
            relay.close(); // first: its nodes hear Restarting while the port is still open
        }
        admin.close(); // admin: removes the admin socket
        tailnet.close(); // first: the streams the HTTP server's close ends are not nodes going offline
        http.close();
        bus.close();
        store.close();
    }
}
