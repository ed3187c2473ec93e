package dev.trellis.relay;

import dev.trellis.protocol.http.UpgradedConnection;
import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.key.NodePublicKey;
import dev.trellis.protocol.relay.FrameReader;
import dev.trellis.protocol.relay.FrameSender;
import dev.trellis.protocol.relay.PeerGoneReason;
import dev.trellis.protocol.relay.RelayFrame;
import dev.trellis.protocol.relay.RelayFrame.ClientHello;
import dev.trellis.protocol.relay.RelayFrame.ForwardPacket;
import dev.trellis.protocol.relay.RelayFrame.PeerGone;
import dev.trellis.protocol.relay.RelayFrame.PeerPresent;
import dev.trellis.protocol.relay.RelayFrame.Ping;
import dev.trellis.protocol.relay.RelayFrame.Pong;
import dev.trellis.protocol.relay.RelayFrame.RecvPacket;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The relay's core, independent of HTTP: authenticates upgraded connections and moves packets
 * between them, to mesh peers through {@link Mesh}, and tells watchers who is attached. State is
 * the map of attached keys; the newest connection for a key wins.
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
    private volatile Mesh mesh;

    RelayServer(NodePrivateKey key, RelayConfig config, RelayMetrics metrics) {
        this.key = key;
        this.config = config;
        this.metrics = metrics;
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

    /** Serves one upgraded connection until it ends; runs on (and blocks) the caller's thread. */
    void serve(UpgradedConnection c) {
        try {
            ClientConn client = handshake(c);
            if (client != null) {
                try {
                    readLoop(client, new FrameReader(c.in()));
                } finally {
                    detach(client);
                }
            }
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
        FrameSender sender = new FrameSender("trellis-relay-write " + hello.nodeKey().shortString(), out,
                isMesh ? Math.max(config.queueFrames(), MESH_QUEUE_FRAMES) : config.queueFrames(),
                isMesh ? Math.max(config.queueBytes(), MESH_QUEUE_BYTES) : config.queueBytes(),
                config.keepAlive(), e -> self[0].close());
        ClientConn client = new ClientConn(hello.nodeKey(), isMesh, c, sender,
                new TokenBucket(config.rateBytesPerSecond(), config.burstBytes(), System.nanoTime()));
        self[0] = client;
        // ServerInfo goes first through the queue, and the client is attached before the client
        // can read it: once a node holds ServerInfo, packets sent to it are delivered.
        sender.offer(new ServerInfo(true, config.queueFrames(), config.rateBytesPerSecond(), ""));
        attach(client);
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

    private void readLoop(ClientConn client, FrameReader reader) throws IOException {
        long seenUnknown = 0;
        while (true) {
            RelayFrame f = reader.read();
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
        if (to.sender.offer(new RecvPacket(src, payload))) {
            metrics.packetsForwarded.increment();
            metrics.bytesForwarded.add(payload.length);
        } else {
            metrics.drop(RelayMetrics.Drop.QUEUE_FULL);
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

    /** Closes every client (the HTTP server's close does too; this also stops their writers). */
    void closeAll() {
        for (ClientConn c : clients.values()) {
            c.close();
        }
        for (ClientConn c : meshClients) {
            c.close();
        }
    }
}
