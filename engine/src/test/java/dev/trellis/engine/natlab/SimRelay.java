package dev.trellis.engine.natlab;

import dev.trellis.engine.paths.RelayTransport;
import dev.trellis.protocol.key.NodePublicKey;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Relay regions inside the JVM: each node's {@link #transport} forwards by node key to the
 * node attached under that key, on one delivery thread (in order, like a TCP relay). A region
 * can be stopped, dropping everything sent through it.
 */
public final class SimRelay implements AutoCloseable {
    private final Map<NodePublicKey, RelayTransport.Inbound> attached = new ConcurrentHashMap<>();
    private final Map<Integer, Boolean> stopped = new ConcurrentHashMap<>();
    private final ExecutorService delivery = Executors.newSingleThreadExecutor(r -> new Thread(r, "sim-relay"));
    private final AtomicLong forwarded = new AtomicLong();

    /** The transport of the node holding {@code self}. */
    public RelayTransport transport(NodePublicKey self, int home) {
        return new RelayTransport() {
            private volatile int homeRegion = home;

            @Override
            public void setInbound(Inbound inbound) {
                attached.put(self, inbound);
            }

            @Override
            public boolean send(int region, NodePublicKey dst, ByteBuffer packet) {
                if (stopped.getOrDefault(region, false)) {
                    return false;
                }
                byte[] copy = new byte[packet.remaining()];
                packet.get(packet.position(), copy);
                delivery.execute(() -> {
                    RelayTransport.Inbound to = attached.get(dst);
                    if (to != null && !stopped.getOrDefault(region, false)) {
                        forwarded.incrementAndGet();
                        to.onRelayPacket(region, self, copy);
                    }
                });
                return true;
            }

            @Override
            public void setHome(int region) {
                homeRegion = region;
            }

            @Override
            public int home() {
                return homeRegion;
            }

            @Override
            public boolean connected(int region) {
                return !stopped.getOrDefault(region, false);
            }

            @Override
            public void close() {
                attached.remove(self);
            }
        };
    }

    public void stop(int region) {
        stopped.put(region, true);
    }

    public long forwarded() {
        return forwarded.get();
    }

    @Override
    public void close() {
        delivery.shutdownNow();
    }
}
