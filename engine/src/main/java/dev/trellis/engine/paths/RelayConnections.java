package dev.trellis.engine.paths;

import dev.trellis.protocol.control.RelayMap;
import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.key.NodePublicKey;
import dev.trellis.protocol.relay.RelayClient;
import dev.trellis.protocol.relay.RelayClientOptions;
import dev.trellis.protocol.relay.RelayListener;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * The node's connections to relay servers, one per region in use: always its home region (so
 * peers can reach it), and any region it sends to (a peer's home), closed again after a
 * minute unused. Each connection has a virtual thread that dials the region's relays in order
 * and redials with backoff and jitter when the connection ends.
 */
public final class RelayConnections implements RelayTransport {
    private static final System.Logger LOG = System.getLogger("trellis.paths.relay");
    static final Duration IDLE = Duration.ofSeconds(60);
    private static final Duration MIN_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final RelayClientOptions options;
    private final Map<Integer, Link> links = new ConcurrentHashMap<>();
    private volatile RelayMap map = RelayMap.EMPTY;
    private volatile NodePrivateKey key;
    private volatile Inbound inbound = new Inbound() {
        @Override
        public void onRelayPacket(int region, NodePublicKey src, byte[] packet) {}
    };
    private volatile int home;
    private volatile boolean closed;

    public RelayConnections(RelayClientOptions options) {
        this.options = Objects.requireNonNull(options);
    }

    /** Default options, with the JVM's default TLS trust for https relays. */
    public static RelayConnections withDefaults() {
        RelayClientOptions o = RelayClientOptions.defaults();
        try {
            o = o.withTls(SSLContext.getDefault());
        } catch (NoSuchAlgorithmException e) {
            LOG.log(System.Logger.Level.WARNING, "no default TLS context; only plain-HTTP relays will work");
        }
        return new RelayConnections(o);
    }

    @Override
    public void setInbound(Inbound in) {
        inbound = Objects.requireNonNull(in);
    }

    /** The relays; connections to regions no longer in the map are closed. */
    public void setRelayMap(RelayMap next) {
        map = Objects.requireNonNull(next);
        links.values().forEach(l -> {
            if (next.region(l.region).isEmpty()) {
                l.stop();
            }
        });
    }

    public RelayMap relayMap() {
        return map;
    }

    /** The key connections authenticate as; a new one reconnects every region. */
    public void setNodeKey(NodePrivateKey next) {
        NodePrivateKey before = key;
        key = next;
        if (before != null && !before.equals(next)) {
            links.values().forEach(Link::reconnect);
        }
        if (home > 0) {
            link(home);
        }
    }

    /**
     * Drops every connection so that each redials at once: after this node's addresses changed,
     * a connection from a vanished address would otherwise look alive until its read timeout.
     */
    public void reconnectAll() {
        links.values().forEach(Link::reconnect);
    }

    @Override
    public void setHome(int region) {
        home = region;
        if (region > 0) {
            link(region);
        }
    }

    @Override
    public int home() {
        return home;
    }

    @Override
    public boolean connected(int region) {
        Link l = links.get(region);
        return l != null && l.client != null;
    }

    @Override
    public boolean send(int region, NodePublicKey dst, ByteBuffer packet) {
        if (closed || map.region(region).isEmpty()) {
            return false;
        }
        Link l = link(region);
        l.lastUsed = System.nanoTime();
        RelayClient c = l.client;
        return c != null && c.send(dst, packet);
    }

    private Link link(int region) {
        return links.computeIfAbsent(region, r -> {
            Link l = new Link(r);
            l.thread = Thread.ofVirtual().name("trellis-relay-region-" + r).start(l::run);
            return l;
        });
    }

    @Override
    public void close() {
        closed = true;
        links.values().forEach(Link::stop);
        links.clear();
    }

    /** The relay URL to dial: plain HTTP only for test relays; IP literals where given and TLS is not used. */
    static URI url(RelayMap.Relay r) {
        if (r.insecureForTests()) {
            String host = r.ipv4() != null && !r.ipv4().isEmpty() ? r.ipv4()
                    : r.ipv6() != null && !r.ipv6().isEmpty() ? "[" + r.ipv6() + "]" : r.hostName();
            return URI.create("http://" + host + ":" + (r.relayPort() == 0 ? 80 : r.relayPort()));
        }
        return URI.create("https://" + r.hostName() + ":" + (r.relayPort() == 0 ? 443 : r.relayPort()));
    }

    /** One region's connection and the thread that keeps it. */
    private final class Link {
        final int region;
        volatile RelayClient client;
        volatile long lastUsed = System.nanoTime();
        volatile boolean stopped;
        volatile Attempt current;
        Thread thread;

        Link(int region) {
            this.region = region;
        }

        void run() {
            Duration backoff = MIN_BACKOFF;
            while (!stopped && !closed) {
                if (region != home && System.nanoTime() - lastUsed > IDLE.toNanos()) {
                    break;
                }
                Attempt a = dial();
                RelayClient c = a == null ? null : a.client;
                if (c != null) {
                    backoff = MIN_BACKOFF;
                    client = c;
                    inbound.onRelayState(region, true);
                    waitForEnd(a);
                    client = null;
                    c.close();
                    if (stopped || closed) {
                        break;
                    }
                    inbound.onRelayState(region, false);
                }
                try {
                    long jitter = ThreadLocalRandom.current().nextLong(backoff.toMillis() / 2 + 1);
                    Thread.sleep(backoff.toMillis() / 2 + jitter); // redial backoff, not a wait for a condition
                } catch (InterruptedException e) {
                    if (stopped || closed) {
                        break;
                    }
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
            links.remove(region, this);
        }

        /** Waits until the connection ends, or this link goes idle (not home, unused for a minute). */
        private void waitForEnd(Attempt a) {
            while (!stopped && !closed && !a.client.isClosed()) {
                try {
                    if (a.ended.await(1, TimeUnit.SECONDS)) {
                        return;
                    }
                } catch (InterruptedException e) {
                    return;
                }
                if (region != home && System.nanoTime() - lastUsed > IDLE.toNanos()) {
                    stopped = true;
                }
            }
        }

        private Attempt dial() {
            NodePrivateKey k = key;
            RelayMap.Region r = map.region(region).orElse(null);
            if (k == null || r == null) {
                return null;
            }
            for (RelayMap.Relay relay : r.relays()) {
                Attempt a = new Attempt(region);
                current = a;
                try {
                    a.client = RelayClient.connect(url(relay), k, options, a);
                    return a;
                } catch (IOException | RuntimeException e) {
                    LOG.log(System.Logger.Level.DEBUG, "relay " + relay.name() + " (region " + region + "): "
                            + e.getMessage());
                }
            }
            return null;
        }

        void reconnect() {
            RelayClient c = client;
            if (c != null) {
                c.close();
            }
        }

        void stop() {
            stopped = true;
            reconnect();
            Attempt a = current;
            if (a != null) {
                a.ended.countDown();
            }
            if (thread != null) {
                thread.interrupt();
            }
        }

    }

    /** One connection's listener, with its own end signal. */
    private final class Attempt implements RelayListener {
        final int region;
        final CountDownLatch ended = new CountDownLatch(1);
        volatile RelayClient client;

        Attempt(int region) {
            this.region = region;
        }

        @Override
        public void onPacket(NodePublicKey src, byte[] packet) {
            inbound.onRelayPacket(region, src, packet);
        }

        @Override
        public void onClosed(Throwable causeOrNull) {
            ended.countDown();
        }
    }
}
