package dev.trellis.relay;

import dev.trellis.protocol.http.HttpLimits;
import dev.trellis.protocol.http.HttpResponse;
import dev.trellis.protocol.http.HttpServer;
import dev.trellis.protocol.http.Router;
import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.key.NodePublicKey;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * A standalone relay: a {@link RelayService} on its own HTTP(S) server, which also answers
 * {@code /health} and {@code /metrics}. The composition root of {@code trellis-relay}.
 */
public final class Relay implements AutoCloseable {
    private final RelayService service;
    private final HttpServer http;
    private final boolean tls;

    private Relay(NodePrivateKey key, RelayConfig config, InetSocketAddress listen, SSLContext tlsOrNull)
            throws IOException {
        this.tls = tlsOrNull != null;
        this.service = RelayService.unstarted(key, config);
        Router router = service.mount(new Router())
                .route("GET", "/health", ex -> ex.respond(HttpResponse.text(200,
                        "ok" + (config.region().isEmpty() ? "" : " region " + config.region()) + "\n")))
                .route("GET", "/metrics", ex -> ex.respond(200, "text/plain; version=0.0.4; charset=utf-8",
                        service.prometheus().getBytes(StandardCharsets.UTF_8)));
        HttpLimits limits = HttpLimits.defaults().withMaxBodyBytes(0)
                .withTimeouts(Duration.ofSeconds(10), config.writeStallTimeout())
                .withMaxConnections(config.maxConnections());
        try {
            this.http = HttpServer.tcp(listen, tlsOrNull, router, limits);
        } catch (IOException | RuntimeException e) {
            service.close();
            throw e;
        }
        service.startMesh(); // now that our port answers, a peer list naming us finds us
    }

    /** Starts a relay on {@code listen} (port 0 picks one), with TLS if {@code tlsOrNull} is given. */
    public static Relay start(NodePrivateKey key, RelayConfig config, InetSocketAddress listen, SSLContext tlsOrNull)
            throws IOException {
        return new Relay(key, config, listen, tlsOrNull);
    }

    public NodePublicKey publicKey() {
        return service.publicKey();
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
        return service.metrics();
    }

    public RelayConfig config() {
        return service.config();
    }

    /** True if a node holding {@code k} is attached to this relay. */
    public boolean isAttached(NodePublicKey k) {
        return service.isAttached(k);
    }

    /** True if a mesh peer has told us that {@code k} is attached there. */
    public boolean meshKnows(NodePublicKey k) {
        return service.meshKnows(k);
    }

    /** Bytes waiting in the send queue of the node holding {@code k} (0 if not attached); for tests. */
    long queuedBytes(NodePublicKey k) {
        return service.queuedBytes(k);
    }

    /** Tells clients it is restarting (see {@link RelayService#close}), then stops the server. */
    @Override
    public void close() {
        service.close();
        http.close();
    }
}
