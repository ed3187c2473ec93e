package dev.trellis.coordinator.control;

import dev.trellis.coordinator.tailnet.Tailnet;
import dev.trellis.protocol.control.CapabilityVersion;
import dev.trellis.protocol.control.ControlCodec;
import dev.trellis.protocol.control.ControlHttp;
import dev.trellis.protocol.control.ServerKey;
import dev.trellis.protocol.http.HttpExchange;
import dev.trellis.protocol.http.HttpStatusException;
import dev.trellis.protocol.http.Router;
import dev.trellis.protocol.http.UpgradedConnection;
import dev.trellis.protocol.key.MachinePrivateKey;
import dev.trellis.protocol.noise.NoiseConnection;
import dev.trellis.protocol.noise.NoiseException;
import dev.trellis.protocol.noise.NoiseOptions;
import dev.trellis.protocol.noise.NoiseServer;
import dev.trellis.protocol.noise.UnsupportedVersionException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;

/**
 * The coordinator's control endpoints: {@code GET /key} and the {@code POST /trellis-control}
 * upgrade into a Noise-encrypted connection (docs/control-protocol.md), each served by a
 * {@link ControlConnection} on the HTTP connection's own (virtual) thread.
 */
public final class ControlServer {
    private static final System.Logger LOG = System.getLogger("trellis.coordinator.control");
    /**
     * The Noise connection's message limit, which bounds both directions: what nodes send is
     * small, but a full map is about 520 bytes per peer (5 MiB at 10,000 nodes), so the limit is
     * the node's own (the Noise default, 32 MiB, room for some 60,000 peers). A node's message
     * is only allocated as its bytes arrive, so a liar's length prefix costs nothing.
     */
    static final int MAX_MESSAGE_BYTES = NoiseOptions.DEFAULT_MAX_MESSAGE_BYTES;
    /** A base64 Noise initiation is 136 characters; anything much longer is not one. */
    private static final int MAX_HANDSHAKE_HEADER = 512;

    private final Tailnet tailnet;
    private final MachinePrivateKey serverKey;
    private final ControlMetrics metrics;
    private final byte[] keyJson;

    public ControlServer(Tailnet tailnet, MachinePrivateKey serverKey, ControlMetrics metrics) {
        this.tailnet = Objects.requireNonNull(tailnet);
        this.serverKey = Objects.requireNonNull(serverKey);
        this.metrics = Objects.requireNonNull(metrics);
        try {
            this.keyJson = ControlCodec.mapper().writeValueAsBytes(new ServerKey(serverKey.publicKey().toString(),
                    CapabilityVersion.MINIMUM, CapabilityVersion.CURRENT));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Adds the control endpoints to {@code router}. */
    public Router routes(Router router) {
        return router.route("GET", ControlHttp.KEY_PATH, ex -> ex.respond(200, "application/json", keyJson))
                .route("POST", ControlHttp.UPGRADE_PATH, this::upgrade);
    }

    private void upgrade(HttpExchange ex) throws IOException {
        if (!ex.requestHeaders().hasToken("Upgrade", ControlHttp.UPGRADE_PROTOCOL)) {
            throw new HttpStatusException(426, "this endpoint speaks only the " + ControlHttp.UPGRADE_PROTOCOL
                    + " upgrade; point trellis at the coordinator's base URL");
        }
        String header = ex.requestHeaders().first(ControlHttp.HANDSHAKE_HEADER)
                .orElseThrow(() -> new HttpStatusException(400, "missing " + ControlHttp.HANDSHAKE_HEADER + " header"));
        if (header.length() > MAX_HANDSHAKE_HEADER) {
            throw new HttpStatusException(400, ControlHttp.HANDSHAKE_HEADER + " header is too long");
        }
        byte[] initiation;
        try {
            initiation = Base64.getDecoder().decode(header.strip());
        } catch (IllegalArgumentException e) {
            throw new HttpStatusException(400, ControlHttp.HANDSHAKE_HEADER + " is not base64");
        }
        NoiseServer.Accepted accepted;
        try {
            accepted = NoiseServer.accept(serverKey, initiation, CapabilityVersion::supported);
        } catch (UnsupportedVersionException e) {
            metrics.handshakeFailures.increment();
            // Upgrade anyway so the node's Noise layer reads the reason as an error record.
            try (UpgradedConnection up = ex.upgrade(ControlHttp.UPGRADE_PROTOCOL, Map.of())) {
                NoiseServer.writeError(up.out(), "this coordinator serves control protocol versions "
                        + CapabilityVersion.MINIMUM + "-" + CapabilityVersion.CURRENT + "; upgrade Trellis on this node");
            }
            return;
        } catch (NoiseException e) {
            metrics.handshakeFailures.increment();
            throw new HttpStatusException(400, "control handshake refused: " + e.getMessage());
        }
        UpgradedConnection up = ex.upgrade(ControlHttp.UPGRADE_PROTOCOL, Map.of());
        NoiseConnection conn;
        try {
            conn = accepted.respond(up.in(), up.out(), NoiseOptions.defaults().withMaxMessageBytes(MAX_MESSAGE_BYTES));
        } catch (IOException e) {
            up.close();
            return;
        }
        metrics.connections.increment();
        metrics.openConnections.increment();
        try (up; conn) {
            new ControlConnection(conn, tailnet, metrics).run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "control connection of " + accepted.peerKey().shortString() + " failed", e);
        } finally {
            metrics.openConnections.decrement();
        }
    }
}
