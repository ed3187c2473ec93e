package dev.trellis.relay;

import dev.trellis.protocol.http.UpgradedConnection;
import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.key.NodePublicKey;
import dev.trellis.protocol.relay.FrameReader;
import dev.trellis.protocol.relay.FrameSender;
import dev.trellis.protocol.relay.PeerGoneReason;
import dev.trellis.protocol.relay.QueueBudget;
import dev.trellis.protocol.relay.RelayFrame;
import dev.trellis.protocol.relay.RelayFrame.ClientHello;
import dev.trellis.protocol.relay.RelayFrame.ForwardPacket;
import dev.trellis.protocol.relay.RelayFrame.PeerGone;
import dev.trellis.protocol.relay.RelayFrame.PeerPresent;
import dev.trellis.protocol.relay.RelayFrame.Ping;
import dev.trellis.protocol.relay.RelayFrame.Pong;
import dev.trellis.protocol.relay.RelayFrame.RecvPacket;
import dev.trellis.protocol.relay.RelayFrame.Restarting;
import dev.trellis.protocol.relay.RelayFrame.SendPacket;
import dev.trellis.protocol.relay.RelayFrame.ServerHello;
import dev.trellis.protocol.relay.RelayFrame.ServerInfo;
import dev.trellis.protocol.relay.RelayFrame.WatchConns;
import dev.trellis.protocol.relay.RelayFrames;
import dev.trellis.protocol.relay.RelayHttp;
import dev.trellis.protocol.relay.RelayProof;
import dev.trellis.protocol.relay.RelayProtocolException;
import java.io.IOException;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The relay's core, independent of HTTP: authenticates upgraded connections and moves packets
 * between them, to mesh peers through {@link Mesh}, and tells watchers who is attached. State is
 * the map of attached keys; the newest connection for a key wins. All clients' send queues draw
 * on one {@link QueueBudget}, so the memory they hold together is bounded whatever clients do.
 */
final class RelayServer {
    private static final System.Logger LOG = System.getLogger(RelayServer.class.getName());

    static final int MESH_QUEUE_FRAMES = 65_536;
    static final long MESH_QUEUE_BYTES = 64L << 20;

    private final NodePrivateKey key;
    private final RelayConfig config;
    private final RelayMetrics metrics;
    private final SecureRandom random = new SecureRandom();
    private final Map<NodePublicKey, ClientConn> clients = new ConcurrentHashMap<>();
    private final Set<ClientConn> meshClients = ConcurrentHashMap.newKeySet();
    /** Mesh clients that sent WatchConns. Changes to it and to {@link #clients} announce under this lock. */
    private final Set<ClientConn> watchers = ConcurrentHashMap.newKeySet();
    private final Object presence = new Object();
    private final QueueBudget budget;
    /**
     * Closes connections whose hello is late. A per-read timeout alone would let a client that
     * sends a byte every few seconds hold a connection unauthenticated for as long as it likes.
     * The action only closes a socket, so one thread serves every connection.
     */
    private final ScheduledThreadPoolExecutor deadlines;
    private volatile Mesh mesh;
    private volatile boolean closing;

    RelayServer(NodePrivateKey key, RelayConfig config, RelayMetrics metrics) {
        this.key = key;
        this.config = config;
        this.metrics = metrics;
        this.budget = new QueueBudget(config.queueBudgetBytes());
        this.deadlines = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().daemon().name("trellis-relay-handshake-deadline").factory());
        deadlines.setRemoveOnCancelPolicy(true); // almost every deadline is cancelled by a timely hello
    }

    void mesh(Mesh m) {
        this.mesh = m;
    }

    int clientCount() {
        return clients.size();
    }

    int meshClientCount() {
        return meshClients.size();
    }

    /** True if a node holding {@code k} is attached here (for tests and the mesh). */
    boolean attached(NodePublicKey k) {
        return clients.containsKey(k);
    }

    long queuedBytes(NodePublicKey k) {
        ClientConn c = clients.get(k);
        return c == null ? 0 : c.sender.queuedBytes();
    }

    /** Bytes waiting in every client's queue together. */
    long queuedBytes() {
        return budget.used();
    }

    /** Serves one upgraded connection until it ends; runs on (and blocks) the caller's thread. */
    void serve(UpgradedConnection c) {
        if (closing) {
            c.close(); // shutting down: the client retries, and finds us (or our successor) later
            return;
        }
        try {
            Future<?> deadline = deadlines.schedule(c::close, config.handshakeTimeout().toNanos(), TimeUnit.NANOSECONDS);
            ClientConn client;
            try {
                client = handshake(c);
            } finally {
                deadline.cancel(false);
            }
            if (client != null) {
                try {
                    if (closing) {
                        return; // attached after the shutdown announcement went out: just hang up
                    }
                    readLoop(client, new FrameReader(c.in()));
                } finally {
                    detach(client);
                }
            }
        } catch (RelayProtocolException e) {
            LOG.log(System.Logger.Level.DEBUG, "relay client broke the protocol: {0}", e.getMessage());
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "relay client ended: {0}", e.toString());
        } finally {
            c.close();
        }
    }

    /** Sends the hello, checks the client's proof; null (after answering why) if refused. */
    private ClientConn handshake(UpgradedConnection c) throws IOException {
        c.readTimeout(config.handshakeTimeout());
        byte[] challenge = new byte[RelayFrame.CHALLENGE_LENGTH];
        random.nextBytes(challenge);
        OutputStream out = c.out();
        out.write(RelayFrames.encode(new ServerHello(key.publicKey(), challenge, RelayHttp.VERSION)));
        out.flush();
        FrameReader reader = new FrameReader(c.in());
        RelayFrame first;
        try {
            first = reader.read();
        } catch (IOException e) {
            metrics.authFailure(RelayMetrics.AuthFailure.NO_HELLO);
            throw e;
        }
        if (!(first instanceof ClientHello hello)) {
            metrics.authFailure(RelayMetrics.AuthFailure.NO_HELLO);
            refuse(out, "the first frame must be ClientHello");
            return null;
        }
        try {
            RelayProof.open(key, hello.nodeKey(), challenge, hello.proof());
        } catch (RelayProtocolException e) {
            metrics.authFailure(RelayMetrics.AuthFailure.BAD_PROOF);
            refuse(out, e.getMessage());
            return null;
        }
        boolean isMesh = hello.meshProof().length > 0;
        if (isMesh && (config.meshSecretOrNull() == null || !RelayProof.meshProofValid(config.meshSecretOrNull(),
                challenge, key.publicKey(), hello.nodeKey(), hello.meshProof()))) {
            metrics.authFailure(RelayMetrics.AuthFailure.BAD_MESH_PROOF);
            refuse(out, "mesh proof does not verify");
            return null;
        }
        c.readTimeout(config.idleTimeout());
        metrics.accepted.increment();
        ClientConn[] self = new ClientConn[1];
        // A mesh peer gets every presence change and the packets of a whole relay: a deeper queue.
        FrameSender sender = FrameSender.held("trellis-relay-write " + hello.nodeKey().shortString(), out,
                isMesh ? Math.max(config.queueFrames(), MESH_QUEUE_FRAMES) : config.queueFrames(),
                isMesh ? Math.max(config.queueBytes(), MESH_QUEUE_BYTES) : config.queueBytes(),
                budget, config.keepAlive(), e -> self[0].close());
        ClientConn client = new ClientConn(hello.nodeKey(), isMesh, c, sender,
                new TokenBucket(config.rateBytesPerSecond(), config.burstBytes(), System.nanoTime()));
        self[0] = client;
        // ServerInfo goes first through the queue, and the client is attached before the writer
        // starts, so before the client can read it: once a node holds ServerInfo, packets sent to
        // it are delivered (they queue behind ServerInfo). Starting the writer first let a node
        // read ServerInfo and have a packet sent to it dropped as "not attached".
        sender.offer(new ServerInfo(true, config.queueFrames(), config.rateBytesPerSecond(), ""));
        attach(client);
        sender.start();
        return client;
    }

    private static void refuse(OutputStream out, String why) throws IOException {
        out.write(RelayFrames.encode(new ServerInfo(false, 0, 0, why)));
        out.flush();
    }

    private void attach(ClientConn client) {
        if (client.mesh) {
            meshClients.add(client);
            return;
        }
        ClientConn old;
        synchronized (presence) {
            old = clients.put(client.key, client);
            for (ClientConn w : watchers) {
                w.sender.offer(new PeerPresent(client.key));
            }
        }
        if (old != null) {
            old.senders().forEach(client::noteSender); // they still want to hear when the key goes
            metrics.duplicateClients.increment();
            old.close(); // its detach finds the key taken by us and stays quiet
        }
    }

    private void detach(ClientConn client) {
        client.close();
        if (client.mesh) {
            meshClients.remove(client);
            watchers.remove(client);
            return;
        }
        boolean gone;
        synchronized (presence) {
            gone = clients.remove(client.key, client);
            if (gone) {
                for (ClientConn w : watchers) {
                    w.sender.offer(new PeerGone(client.key, PeerGoneReason.DISCONNECTED));
                }
            }
        }
        if (gone) {
            for (NodePublicKey s : client.senders()) {
                ClientConn src = clients.get(s);
                if (src != null) {
                    src.sender.offer(new PeerGone(client.key, PeerGoneReason.DISCONNECTED));
                }
            }
        }
    }

    /**
     * Handles the client's frames until its stream ends. Unknown types are skipped and counted (a
     * newer client may send them); a malformed or oversized frame ends this client only, counted.
     */
    private void readLoop(ClientConn client, FrameReader reader) throws IOException {
        long seenUnknown = 0;
        while (true) {
            RelayFrame f;
            try {
                f = reader.read();
            } catch (RelayProtocolException e) {
                metrics.badFrames.increment();
                throw e;
            }
            if (f == null) {
                return;
            }
            long unknown = reader.unknownSkipped();
            if (unknown != seenUnknown) {
                metrics.unknownFrames.add(unknown - seenUnknown);
                seenUnknown = unknown;
            }
            switch (f) {
                case SendPacket p -> send(client, p.dst(), p.payload());
                case ForwardPacket p when client.mesh -> fromMesh(p);
                case WatchConns w when client.mesh -> watch(client);
                case Ping p -> client.sender.offer(new Pong(p.data()));
                default -> { } // KeepAlive, Pong, and frames a client has no business sending
            }
        }
    }

    private void send(ClientConn from, NodePublicKey dst, byte[] payload) {
        long now = System.nanoTime();
        if (!from.bucket.tryTake(payload.length, now)) {
            metrics.drop(RelayMetrics.Drop.RATE_LIMITED);
            return;
        }
        ClientConn to = clients.get(dst);
        if (to != null) {
            deliver(to, from.key, payload);
            to.noteSender(from.key);
            return;
        }
        Mesh m = mesh;
        if (m != null && m.forward(from.key, dst, payload)) {
            return;
        }
        metrics.drop(RelayMetrics.Drop.UNKNOWN_DEST);
        if (from.neverHereDue(dst, now, config.peerGoneInterval().toNanos())) {
            from.sender.offer(new PeerGone(dst, PeerGoneReason.NEVER_HERE));
        }
    }

    private void deliver(ClientConn to, NodePublicKey src, byte[] payload) {
        switch (to.sender.tryOffer(new RecvPacket(src, payload))) {
            case QUEUED -> {
                metrics.packetsForwarded.increment();
                metrics.bytesForwarded.add(payload.length);
            }
            case OVER_BUDGET -> metrics.drop(RelayMetrics.Drop.QUEUE_BUDGET);
            case QUEUE_FULL, CLOSED -> metrics.drop(RelayMetrics.Drop.QUEUE_FULL);
        }
    }

    /** A mesh peer's packet: delivered only locally, never forwarded again, so meshes cannot loop. */
    private void fromMesh(ForwardPacket p) {
        metrics.packetsFromMesh.increment();
        ClientConn to = clients.get(p.dst());
        if (to == null) {
            metrics.drop(RelayMetrics.Drop.UNKNOWN_DEST);
            return;
        }
        deliver(to, p.src(), p.payload());
    }

    private void watch(ClientConn watcher) {
        synchronized (presence) {
            if (!watchers.add(watcher)) {
                return;
            }
            for (NodePublicKey k : List.copyOf(clients.keySet())) {
                watcher.sender.offer(new PeerPresent(k));
            }
        }
    }

    /**
     * Refuses new clients from now on, sends every client (nodes and mesh peers) Restarting, and
     * waits up to {@code flushWithin} for those frames to be written. A client that does not read
     * does not hold the others up: the wait is one deadline for all.
     */
    void announceRestart(Duration reconnectIn, Duration tryFor, Duration flushWithin) {
        closing = true;
        List<ClientConn> all = new ArrayList<>(clients.values());
        all.addAll(meshClients);
        Restarting frame = new Restarting(millis(reconnectIn), millis(tryFor));
        for (ClientConn c : all) {
            if (c.sender.offer(frame)) {
                metrics.restartsAnnounced.increment();
            }
        }
        long end = System.nanoTime() + flushWithin.toNanos();
        try {
            for (ClientConn c : all) {
                c.sender.awaitFlushed(Duration.ofNanos(Math.max(0, end - System.nanoTime())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
    }

    /** Closes every client (the HTTP server's close does too; this also stops their writers). */
    void closeAll() {
        closing = true;
        for (ClientConn c : clients.values()) {
            c.close();
        }
        for (ClientConn c : meshClients) {
            c.close();
        }
        deadlines.shutdownNow();
    }
}
