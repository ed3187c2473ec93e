package dev.trellis.relay;

import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.key.NodePublicKey;
import dev.trellis.protocol.relay.PeerGoneReason;
import dev.trellis.protocol.relay.RelayClient;
import dev.trellis.protocol.relay.RelayClientOptions;
import dev.trellis.protocol.relay.RelayListener;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * This relay's links to the other relays of its region. For each one a virtual thread keeps a
 * {@link RelayClient} connected (authenticated with the mesh secret), asks it to watch
 * connections, and records which keys are attached there; a packet for such a key goes over that
 * link as ForwardPacket. A link that drops forgets its keys and reconnects with backoff.
 */
final class Mesh implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Mesh.class.getName());
    private static final Duration MIN_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final NodePrivateKey key;
    private final RelayClientOptions options;
    private final RelayMetrics metrics;
    /** Key to the link of the relay it is attached to. */
    private final Map<NodePublicKey, RelayClient> routes = new ConcurrentHashMap<>();
    private final Set<RelayClient> links = ConcurrentHashMap.newKeySet();
    private final List<Thread> threads = new ArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);

    Mesh(NodePrivateKey key, RelayConfig config, RelayMetrics metrics) {
        this.key = key;
        this.metrics = metrics;
        this.options = RelayClientOptions.defaults()
                .withQueue(RelayServer.MESH_QUEUE_FRAMES, RelayServer.MESH_QUEUE_BYTES)
                .withMeshSecret(config.meshSecretOrNull());
        for (URI peer : config.meshWith()) {
            threads.add(Thread.ofVirtual().name("trellis-relay-mesh " + peer).start(() -> keepLinked(peer)));
        }
    }

    /** Mesh relays we are connected to now. */
    int peers() {
        return links.size();
    }

    /** Forwards to the relay holding {@code dst}; false if no linked relay holds it. */
    boolean forward(NodePublicKey src, NodePublicKey dst, byte[] payload) {
        RelayClient link = routes.get(dst);
        if (link == null || link.isClosed()) {
            return false;
        }
        if (link.forward(src, dst, payload)) {
            metrics.packetsToMesh.increment();
        } else {
            metrics.drop(RelayMetrics.Drop.MESH_QUEUE_FULL);
        }
        return true;
    }

    /** True if a linked relay says {@code k} is attached there. */
    boolean knows(NodePublicKey k) {
        return routes.containsKey(k);
    }

    private void keepLinked(URI peer) {
        Duration backoff = MIN_BACKOFF;
        while (closed.getCount() > 0) {
            CountDownLatch ended = new CountDownLatch(1);
            RelayClient[] self = new RelayClient[1];
            RelayListener listener = new RelayListener() {
                @Override
                public void onPacket(NodePublicKey src, byte[] packet) {
                    // nodes do not send to relays
                }

                @Override
                public void onPeerPresent(NodePublicKey k) {
                    routes.put(k, self[0]);
                }

                @Override
                public void onPeerGone(NodePublicKey k, PeerGoneReason reason) {
                    routes.remove(k, self[0]);
                }

                @Override
                public void onClosed(Throwable cause) {
                    ended.countDown();
                }
            };
            try {
                RelayClient link = RelayClient.connect(peer, key, options, listener);
                self[0] = link;
                if (link.serverKey().equals(key.publicKey())) {
                    LOG.log(System.Logger.Level.INFO, "mesh peer {0} is this relay itself; not linking", peer);
                    link.close();
                    return;
                }
                links.add(link);
                link.watchConns();
                LOG.log(System.Logger.Level.INFO, "meshed with {0}", peer);
                backoff = MIN_BACKOFF;
                try {
                    while (!ended.await(1, TimeUnit.SECONDS) && closed.getCount() > 0) {
                        // waiting for the link to end or the mesh to close
                    }
                } finally {
                    links.remove(link);
                    routes.values().removeIf(l -> l == link);
                    link.close();
                }
                if (closed.getCount() > 0) {
                    LOG.log(System.Logger.Level.WARNING, "mesh link to {0} ended; reconnecting", peer);
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot mesh with {0}: {1}", peer, e.getMessage());
            } catch (InterruptedException e) {
                return;
            }
            try {
                if (closed.await(backoff.toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    @Override
    public void close() {
        closed.countDown();
        for (RelayClient l : links) {
            l.close();
        }
        for (Thread t : threads) {
            t.interrupt();
        }
    }
}
