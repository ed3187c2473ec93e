package dev.trellis.bench;

import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.key.NodePublicKey;
import dev.trellis.protocol.relay.RelayClient;
import dev.trellis.protocol.relay.RelayClientOptions;
import dev.trellis.protocol.relay.RelayListener;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Client pairs pushing packets through one relay: in each pair a sender streams fixed-size
 * packets to its receiver's key. Flow control is end to end, as a TCP stream through a tunnel
 * would have it: a sender keeps at most {@code window} packets in flight (sent, not yet
 * received), so the measured rate is what the relay forwards, not what it drops. A packet the
 * relay drops would shrink the window for good; a sender that gets no permit for a second
 * assumes its in-flight packets lost, counts a stall and starts a full window again.
 */
final class RelayForwarding implements AutoCloseable {
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** One sender → receiver pair; counters are written by one thread each and read by the reporter. */
    static final class Pair {
        final RelayClient sender;
        final RelayClient receiver;
        final Semaphore window;
        final AtomicLong received = new AtomicLong();
        final AtomicLong sent = new AtomicLong();
        final AtomicLong stalls = new AtomicLong();
        final AtomicLong refused = new AtomicLong();

        private Pair(RelayClient sender, RelayClient receiver, int window) {
            this.sender = sender;
            this.receiver = receiver;
            this.window = new Semaphore(window);
        }
    }

    /** Totals at one moment, for rates over an interval. */
    record Snapshot(long nanos, long packets, long[] perPair, long stalls, long refused) {}

    private final List<Pair> pairs = new ArrayList<>();
    private final List<Thread> senders = new ArrayList<>();
    private final int packetBytes;
    private final int window;
    private volatile boolean running = true;

    private RelayForwarding(int packetBytes, int window) {
        this.packetBytes = packetBytes;
        this.window = window;
    }

    /** Connects {@code count} pairs to the relay at {@code url}; nothing is sent yet. */
    static RelayForwarding connect(URI url, int count, int packetBytes, int window) throws IOException {
        RelayForwarding load = new RelayForwarding(packetBytes, window);
        try {
            for (int i = 0; i < count; i++) {
                load.pairs.add(load.connectPair(url));
            }
            return load;
        } catch (IOException | RuntimeException e) {
            load.close();
            throw e;
        }
    }

    private Pair connectPair(URI url) throws IOException {
        NodePrivateKey receiverKey = NodePrivateKey.generate();
        Pair[] holder = new Pair[1];
        RelayClient receiver = RelayClient.connect(url, receiverKey, RelayClientOptions.defaults(), new RelayListener() {
            @Override
            public void onPacket(NodePublicKey src, byte[] packet) {
                Pair p = holder[0];
                if (p != null) {
                    p.received.incrementAndGet();
                    p.window.release();
                }
            }
        });
        RelayClient sender;
        try {
            sender = RelayClient.connect(url, NodePrivateKey.generate(), RelayClientOptions.defaults(),
                    (src, packet) -> { });
        } catch (IOException | RuntimeException e) {
            receiver.close();
            throw e;
        }
        Pair p = new Pair(sender, receiver, window);
        holder[0] = p;
        return p;
    }

    List<Pair> pairs() {
        return pairs;
    }

    /** Starts one virtual thread per sender. */
    void start() {
        int seed = 0;
        for (Pair p : pairs) {
            byte[] payload = new byte[packetBytes];
            new SplittableRandom(++seed).nextBytes(payload);
            NodePublicKey dst = p.receiver.nodeKey();
            senders.add(Thread.ofVirtual().name("relay-load-sender-" + seed).start(() -> send(p, dst, payload)));
        }
    }

    private void send(Pair p, NodePublicKey dst, byte[] payload) {
        long waitingSince = System.nanoTime();
        while (running) {
            boolean permit;
            try {
                permit = p.window.tryAcquire(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (!permit) {
                if (running && System.nanoTime() - waitingSince > STALL_NANOS) {
                    p.stalls.incrementAndGet();
                    p.window.drainPermits();
                    p.window.release(window);
                    waitingSince = System.nanoTime();
                }
                continue;
            }
            waitingSince = System.nanoTime();
            if (p.sender.send(dst, ByteBuffer.wrap(payload))) {
                p.sent.incrementAndGet();
            } else {
                // the client's own queue is full (it cannot be with a window below 512 frames, unless
                // the connection died): give the permit back and let the writer catch up
                p.refused.incrementAndGet();
                p.window.release();
                LockSupport.parkNanos(100_000);
            }
        }
    }

    Snapshot snapshot() {
        long[] per = new long[pairs.size()];
        long total = 0;
        long stalls = 0;
        long refused = 0;
        for (int i = 0; i < per.length; i++) {
            Pair p = pairs.get(i);
            per[i] = p.received.get();
            total += per[i];
            stalls += p.stalls.get();
            refused += p.refused.get();
        }
        return new Snapshot(System.nanoTime(), total, per, stalls, refused);
    }

    /** Pairs whose clients the relay or the network closed. */
    long closedClients() {
        return pairs.stream().mapToLong(p -> (p.sender.isClosed() ? 1 : 0) + (p.receiver.isClosed() ? 1 : 0)).sum();
    }

    @Override
    public void close() {
        running = false;
        for (Thread t : senders) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Pair p : pairs) {
            p.sender.close();
            p.receiver.close();
        }
    }
}
