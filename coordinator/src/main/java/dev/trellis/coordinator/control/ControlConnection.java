package dev.trellis.coordinator.control;

import dev.trellis.coordinator.netmap.MapSession;
import dev.trellis.coordinator.tailnet.Tailnet;
import dev.trellis.protocol.control.CapabilityVersion;
import dev.trellis.protocol.control.ControlCodec;
import dev.trellis.protocol.control.ControlError;
import dev.trellis.protocol.control.ControlMessage;
import dev.trellis.protocol.control.ControlProtocolException;
import dev.trellis.protocol.control.MapRequest;
import dev.trellis.protocol.control.PreparedMapResponse;
import dev.trellis.protocol.control.RegisterRequest;
import dev.trellis.protocol.control.RegisterResponse;
import dev.trellis.protocol.key.MachinePublicKey;
import dev.trellis.protocol.noise.NoiseConnection;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.List;

/**
 * One node's control connection: reads its requests until it goes away. Registrations run on
 * threads of their own (a followup may wait minutes for a login) and the map stream writes
 * from its session's thread; the connection allows concurrent writers. Anything malformed or
 * out of place is answered with an {@link ControlError} and ends the connection.
 */
final class ControlConnection {
    private static final System.Logger LOG = System.getLogger("trellis.coordinator.control");
    /** More endpoints than any real node has; a longer list is refused. */
    static final int MAX_ENDPOINTS = 64;

    private final NoiseConnection conn;
    private final MachinePublicKey machine;
    private final Tailnet tailnet;
    private final ControlMetrics metrics;
    private MapSession session;
    /** One registration at a time: a followup may wait minutes, and each holds a thread. */
    private final java.util.concurrent.atomic.AtomicBoolean registering = new java.util.concurrent.atomic.AtomicBoolean();
    /** Endpoint updates in the current one-second window; a node needs a handful per minute. */
    private long updateWindowStart;
    private int updatesInWindow;
    static final int MAX_UPDATES_PER_SECOND = 20;

    ControlConnection(NoiseConnection conn, Tailnet tailnet, ControlMetrics metrics) {
        this.conn = conn;
        this.machine = conn.peerKey();
        this.tailnet = tailnet;
        this.metrics = metrics;
    }

    void run() {
        try {
            while (true) {
                ControlMessage m;
                try {
                    m = ControlCodec.decode(conn.readMessage());
                } catch (ControlProtocolException e) {
                    metrics.badMessages.increment();
                    send(new ControlError(0, ControlError.Code.BAD_REQUEST, e.getMessage()));
                    return;
                }
                if (!handle(m)) {
                    return;
                }
            }
        } catch (IOException e) {
            // the node went away (or sent something the Noise layer refused)
        } finally {
            if (session != null) {
                session.close();
            }
        }
    }

    /** Handles one message; false ends the connection. */
    private boolean handle(ControlMessage m) throws IOException {
        switch (m) {
            case RegisterRequest r -> {
                if (!versionOk(r.id(), r.version())) {
                    return false;
                }
                if (!registering.compareAndSet(false, true)) {
                    metrics.badMessages.increment();
                    send(new ControlError(r.id(), ControlError.Code.BAD_REQUEST,
                            "a registration is already in progress on this connection"));
                    return false;
                }
                Thread.ofVirtual().name("register-" + machine.shortString()).start(() -> register(r));
                return true;
            }
            case MapRequest r -> {
                return versionOk(r.id(), r.version()) && map(r);
            }
            default -> {
                metrics.badMessages.increment();
                send(new ControlError(m.id(), ControlError.Code.BAD_REQUEST,
                        "a node may not send " + m.getClass().getSimpleName()));
                return false;
            }
        }
    }

    private void register(RegisterRequest r) {
        try {
            RegisterResponse answer;
            try {
                answer = tailnet.register(machine, r);
            } finally {
                // Before answering: the node may send its followup the moment it reads the answer.
                registering.set(false);
            }
            (answer.error() == null ? metrics.registrations : metrics.registrationsRefused).increment();
            send(answer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the node went away while it waited
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "registration of " + machine.shortString() + " failed", e);
            trySend(new ControlError(r.id(), ControlError.Code.INTERNAL, "the coordinator failed to register this node; retry later"));
        }
    }

    private boolean map(MapRequest r) throws IOException {
        if (r.endpoints().size() > MAX_ENDPOINTS) {
            send(new ControlError(r.id(), ControlError.Code.BAD_REQUEST, "too many endpoints: " + r.endpoints().size()));
            return false;
        }
        if (!r.stream() && !withinUpdateRate()) {
            metrics.badMessages.increment();
            send(new ControlError(r.id(), ControlError.Code.BAD_REQUEST, "more than " + MAX_UPDATES_PER_SECOND
                    + " endpoint updates in a second"));
            return false;
        }
        Tailnet.Authorization auth = tailnet.authorize(machine, r.nodeKey());
        if (auth.node() == null) {
            send(new ControlError(r.id(), ControlError.Code.UNAUTHORIZED, "this node is not registered"));
            return false;
        }
        if (auth.expired()) {
            send(new ControlError(r.id(), ControlError.Code.KEY_EXPIRED, "this node's key has expired; log in again"));
            return false;
        }
        if (r.discoKey() != null && !validDiscoKey(r.discoKey())) {
            metrics.badMessages.increment();
            send(new ControlError(r.id(), ControlError.Code.BAD_REQUEST, "not a disco key: the DiscoKey field must be "
                    + "discokey: and 64 hex digits"));
            return false;
        }
        tailnet.reportEndpoints(auth.node(), validEndpoints(r.endpoints()), r.hostinfo(), r.discoKey());
        metrics.endpointUpdates.increment();
        if (!r.stream()) {
            return true;
        }
        if (session != null) {
            session.close();
        }
        long nodeId = auth.node().id();
        session = tailnet.hub().open(nodeId, r.id(), response -> sendMap(nodeId, response)).orElse(null);
        if (session == null) {
            send(new ControlError(r.id(), ControlError.Code.UNAUTHORIZED, "this node was just deleted"));
            return false;
        }
        return true;
    }

    private static boolean validDiscoKey(String text) {
        try {
            dev.trellis.protocol.key.DiscoPublicKey.parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private boolean withinUpdateRate() {
        long now = System.nanoTime();
        if (now - updateWindowStart > 1_000_000_000L) {
            updateWindowStart = now;
            updatesInWindow = 0;
        }
        return ++updatesInWindow <= MAX_UPDATES_PER_SECOND;
    }

    /**
     * Sends one map message from the session's thread. Any failure ends the connection, so that
     * the node reconnects and gets a fresh full map rather than wait on a stream that has died.
     */
    private void sendMap(long nodeId, PreparedMapResponse response) throws IOException {
        try {
            byte[] message = response.encode();
            if (message.length > conn.maxMessageBytes()) {
                LOG.log(Level.ERROR, "map for node " + nodeId + " is " + message.length
                        + " bytes, above the control connection's limit of " + conn.maxMessageBytes()
                        + "; the tailnet is too large for one map message");
                throw new IOException("map message too large");
            }
            conn.writeMessage(message);
            metrics.mapMessagesSent.increment();
        } catch (IOException | RuntimeException e) {
            conn.close();
            throw e;
        }
    }

    /** Keeps only endpoints that look like ip:port; nodes never need to send anything else. */
    private static List<String> validEndpoints(List<String> endpoints) {
        return endpoints.stream()
                .filter(e -> e != null && e.length() <= 64)
                .filter(e -> dev.trellis.protocol.net.IpLiterals.parseEndpoint(e) != null)
                .toList();
    }

    private boolean versionOk(long id, int version) throws IOException {
        if (CapabilityVersion.supported(version)) {
            return true;
        }
        send(new ControlError(id, ControlError.Code.UNSUPPORTED_VERSION, "this coordinator serves versions "
                + CapabilityVersion.MINIMUM + "-" + CapabilityVersion.CURRENT + "; upgrade Trellis on this node"));
        return false;
    }

    private void send(ControlMessage m) throws IOException {
        conn.writeMessage(ControlCodec.encode(m));
    }

    private void trySend(ControlMessage m) {
        try {
            send(m);
        } catch (IOException e) {
            // gone
        }
    }
}
