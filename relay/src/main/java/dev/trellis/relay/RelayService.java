package dev.trellis.relay;

import dev.trellis.protocol.http.Handler;
import dev.trellis.protocol.http.Router;
import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.key.NodePublicKey;
import dev.trellis.protocol.relay.RelayHttp;
import java.time.Duration;
import java.util.Objects;

/**
 * A relay without a listener of its own: the {@code /relay} upgrade handler, its
 * {@link RelayServer}, its metrics and, with a mesh key, its {@link Mesh}. {@link Relay} mounts it
 * on its own HTTP(S) server; another server (the coordinator's, for a small install) can mount it
 * on its router instead and serve the same protocol on its own port.
 *
 * <p>The host server's limits then apply to relay connections: its connection cap, and its idle
 * timeout as the longest a write to a client may stall.
 */
public final class RelayService implements AutoCloseable {
    /** What {@link #close} tells clients: reconnect after this long... */
    public static final Duration RESTART_RECONNECT_IN = Duration.ofSeconds(2);
    /** ...and keep trying this long. */
    public static final Duration RESTART_TRY_FOR = Duration.ofSeconds(60);
    /** How long {@link #close} waits for the Restarting frames to be written. */
    static final Duration RESTART_FLUSH = Duration.ofSeconds(1);

    private final NodePrivateKey key;
    private final RelayConfig config;
    private final RelayMetrics metrics = new RelayMetrics();
    private final RelayServer server;
    private volatile Mesh mesh;
    private volatile boolean closed;

    private RelayService(NodePrivateKey key, RelayConfig config) {
        this.key = Objects.requireNonNull(key, "key");
        this.config = Objects.requireNonNull(config, "config");
        this.server = new RelayServer(key, config, metrics);
        metrics.gauges(server::clientCount, server::meshClientCount, () -> {
            Mesh m = mesh;
            return m == null ? 0 : m.peers();
        }, server::queuedBytes, config.queueBudgetBytes());
    }

    /**
     * A relay ready to serve connections handed to {@link #upgradeHandler()}, already linking to
     * its mesh peers if the config names any.
     */
    public static RelayService start(NodePrivateKey key, RelayConfig config) {
        RelayService s = new RelayService(key, config);
        s.startMesh();
        return s;
    }

    /** Not yet meshed: {@link Relay} links to its peers only once its own port is bound. */
    static RelayService unstarted(NodePrivateKey key, RelayConfig config) {
        return new RelayService(key, config);
    }

    synchronized void startMesh() {
        if (mesh == null && !closed && config.meshSecretOrNull() != null) {
            Mesh m = new Mesh(key, config, metrics);
            server.mesh(m);
            mesh = m;
        }
    }

    /**
     * Answers {@code GET|POST /relay} with {@code Upgrade: trellis-relay}, then serves the relay
     * protocol on the connection until it ends (blocking the connection's thread). A request
     * without that upgrade gets 400.
     */
    public Handler upgradeHandler() {
        return ex -> server.serve(ex.upgrade(RelayHttp.UPGRADE_PROTOCOL, java.util.Map.of()));
    }

    /** Adds {@code GET} and {@code POST} {@link RelayHttp#PATH} to {@code router}; returns it. */
    public Router mount(Router router) {
        Handler h = upgradeHandler();
        return router.route("GET", RelayHttp.PATH, h).route("POST", RelayHttp.PATH, h);
    }

    public NodePublicKey publicKey() {
        return key.publicKey();
    }

    public RelayConfig config() {
        return config;
    }

    public RelayMetrics metrics() {
        return metrics;
    }

    /** The metrics as Prometheus text, labelled with the config's region if it has one. */
    public String prometheus() {
        return metrics.prometheus(config.region());
    }

    /** True if a node holding {@code k} is attached to this relay. */
    public boolean isAttached(NodePublicKey k) {
        return server.attached(k);
    }

    /** True if a mesh peer has told us that {@code k} is attached there. */
    public boolean meshKnows(NodePublicKey k) {
        Mesh m = mesh;
        return m != null && m.knows(k);
    }

    /** Bytes waiting in the send queue of the node holding {@code k} (0 if not attached); for tests. */
    long queuedBytes(NodePublicKey k) {
        return server.queuedBytes(k);
    }

    /**
     * Tells every client the relay is restarting (reconnect in {@link #RESTART_RECONNECT_IN}, try
     * for {@link #RESTART_TRY_FOR}), waits up to a second for that to be written, then stops the
     * mesh links and closes every client. New connections are refused from the first moment.
     * Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        server.announceRestart(RESTART_RECONNECT_IN, RESTART_TRY_FOR, RESTART_FLUSH);
        Mesh m = mesh;
        if (m != null) {
            m.close();
        }
        server.closeAll();
    }
}
