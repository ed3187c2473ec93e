package dev.trellis.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.key.NodePublicKey;
import dev.trellis.protocol.relay.PeerGoneReason;
import dev.trellis.protocol.relay.RelayClient;
import dev.trellis.protocol.relay.RelayClientOptions;
import dev.trellis.protocol.relay.RelayListener;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** A node on a relay for tests: records what arrives, with deadlines for waiting. */
final class TestNode implements RelayListener, AutoCloseable {
    static final Duration DEADLINE = Duration.ofSeconds(20);

    record Packet(NodePublicKey src, byte[] bytes) {}

    record Gone(NodePublicKey key, PeerGoneReason reason) {}

    final NodePrivateKey key;
    final LinkedBlockingQueue<Packet> packets = new LinkedBlockingQueue<>();
    final LinkedBlockingQueue<Gone> gone = new LinkedBlockingQueue<>();
    final AtomicLong received = new AtomicLong();
    final CompletableFuture<Throwable> closed = new CompletableFuture<>();
    /** The relay's Restarting frame: reconnect-in and try-for, in ms. */
    final CompletableFuture<List<Integer>> restarting = new CompletableFuture<>();
    final boolean keep;
    RelayClient client;

    private TestNode(NodePrivateKey key, boolean keep) {
        this.key = key;
        this.keep = keep;
    }

    static TestNode connect(URI relay) throws IOException {
        return connect(relay, NodePrivateKey.generate(), true);
    }

    /** {@code keep}: record packets (false only counts them, for bulk traffic). */
    static TestNode connect(URI relay, NodePrivateKey key, boolean keep) throws IOException {
        TestNode n = new TestNode(key, keep);
        n.client = RelayClient.connect(relay, key, RelayClientOptions.defaults(), n);
        return n;
    }

    NodePublicKey pub() {
        return key.publicKey();
    }

    boolean send(TestNode to, byte[] bytes) {
        return client.send(to.pub(), ByteBuffer.wrap(bytes));
    }

    Packet next() throws InterruptedException {
        Packet p = packets.poll(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(p).as("a packet within %s", DEADLINE).isNotNull();
        return p;
    }

    Gone nextGone() throws InterruptedException {
        Gone g = gone.poll(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(g).as("a PeerGone within %s", DEADLINE).isNotNull();
        return g;
    }

    @Override
    public void onPacket(NodePublicKey src, byte[] packet) {
        received.incrementAndGet();
        if (keep) {
            packets.add(new Packet(src, packet));
        }
    }

    @Override
    public void onPeerGone(NodePublicKey k, PeerGoneReason reason) {
        gone.add(new Gone(k, reason));
    }

    @Override
    public void onRestarting(int reconnectInMillis, int tryForMillis) {
        restarting.complete(List.of(reconnectInMillis, tryForMillis));
    }

    @Override
    public void onClosed(Throwable cause) {
        closed.complete(cause);
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
    }
}
