package dev.trellis.relay;

import dev.trellis.protocol.http.HttpLimits;
import dev.trellis.protocol.http.HttpResponse;
import dev.trellis.protocol.http.HttpServer;
import dev.trellis.protocol.http.Router;
import dev.trellis.protocol.http.UpgradedConnection;
import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.key.NodePublicKey;
import dev.trellis.protocol.relay.RelayHttp;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * A running relay: its HTTP(S) server ({@code /relay} upgrade, {@code /health}, {@code /metrics}),
 * its {@link RelayServer} and, with a mesh key, its {@link Mesh}. The composition root of this module.
 */
public final class Relay implements AutoCloseable {
    private final NodePrivateKey key;
    private final RelayConfig config;
    private final RelayMetrics metrics = new RelayMetrics();
    private final RelayServer server;
    private final Mesh mesh;
    private final HttpServer http;
    private final boolean tls;

    private Relay(NodePrivateKey key, RelayConfig config, InetSocketAddress listen, SSLContext tlsOrNull) throws IOException {
        this.key = key;
        this.config = config;
        this.tls = tlsOrNull != null;
        this.server = new RelayServer(key, config, metrics);
        Router router = new Router()
                .route("GET", RelayHttp.PATH, ex -> {
                    UpgradedConnection c = ex.upgrade(RelayHttp.UPGRADE_PROTOCOL, Map.of());
                    server.serve(c);
                })
                .route("POST", RelayHttp.PATH, ex -> {
                    UpgradedConnection c = ex.upgrade(RelayHttp.UPGRADE_PROTOCOL, Map.of());
                    server.serve(c);
                })
                .route("GET", "/health", ex -> ex.respond(HttpResponse.text(200,
                        "ok" + (config.region().isEmpty() ? "" : " region " + config.region()) + "\n")))
                .route("GET", "/metrics", ex -> ex.respond(200, "text/plain; version=0.0.4; charset=utf-8",
                        metrics.prometheus(config.region()).getBytes(StandardCharsets.UTF_8)));
        HttpLimits limits = HttpLimits.defaults().withMaxBodyBytes(0)
                .withTimeouts(Duration.ofSeconds(10), config.writeStallTimeout())
                .withMaxConnections(config.maxConnections());
        this.http = HttpServer.tcp(listen, tlsOrNull, router, limits);
        this.mesh = config.meshSecretOrNull() == null ? null : new Mesh(key, config, metrics);
        server.mesh(mesh);
        metrics.gauges(server::clientCount, server::meshClientCount, () -> mesh == null ? 0 : mesh.peers());
    }

    /** Starts a relay on {@code listen} (port 0 picks one), with TLS if {@code tlsOrNull} is given. */
    public static Relay start(NodePrivateKey key, RelayConfig config, InetSocketAddress listen, SSLContext tlsOrNull)
            throws IOException {
        return new Relay(key, config, listen, tlsOrNull);
    }

    public NodePublicKey publicKey() {
        return key.publicKey();
    }

    public InetSocketAddress address() {
        return http.tcpAddress();
    }

    /** {@code http(s)://host:port} of the bound address, for clients and mesh peers. */
    public URI url() {
        InetSocketAddress a = address();
        String host = a.getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create((tls ? "https" : "http") + "://" + host + ":" + a.getPort());
    }

    public RelayMetrics metrics() {
        return metrics;
    }

    public RelayConfig config() {
        return config;
    }

    /** True if a node holding {@code k} is attached to this relay. */
    public boolean isAttached(NodePublicKey k) {
        return server.attached(k);
    }

    /** True if a mesh peer has told us that {@code k} is attached there. */
    public boolean meshKnows(NodePublicKey k) {
        return mesh != null && mesh.knows(k);
    }

    /** Bytes waiting in the send queue of the node holding {@code k} (0 if not attached); for tests. */
    long queuedBytes(NodePublicKey k) {
        return server.queuedBytes(k);
    }

    /** Stops the mesh links, the server and every client connection. */
    @Override
    public void close() {
        if (mesh != null) {
            mesh.close();
        }
        http.close();
        server.closeAll();
    }
}
