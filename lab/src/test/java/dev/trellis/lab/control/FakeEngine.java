package dev.trellis.lab.control;

import dev.trellis.daemon.backend.Engine;
import dev.trellis.engine.controlclient.NetMap;
import dev.trellis.engine.wg.DeviceStatus;
import dev.trellis.protocol.key.NodePrivateKey;
import java.util.List;
import java.util.Optional;

/** A data plane that only records what it was asked to do: the daemon without a TUN. */
final class FakeEngine implements Engine {
    volatile NetMap applied;
    volatile NodePrivateKey key;
    volatile int clears;

    @Override
    public synchronized void apply(NetMap map, NodePrivateKey k, boolean acceptDns) {
        applied = map;
        key = k;
    }

    @Override
    public synchronized void clear() {
        applied = null;
        clears++;
    }

    @Override
    public DeviceStatus status() {
        return new DeviceStatus(Optional.ofNullable(key), 41641, 0, List.of());
    }

    @Override
    public List<String> localEndpoints() {
        return List.of("198.18.0.1:41641");
    }

    /** Pings "answer" after 3 ms, except addresses listed in {@link #unreachable}. */
    final java.util.Set<java.net.InetAddress> unreachable = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @Override
    public Optional<java.time.Duration> ping(java.net.InetAddress to, java.time.Duration timeout) {
        return unreachable.contains(to) ? Optional.empty() : Optional.of(java.time.Duration.ofMillis(3));
    }

    @Override
    public void close() {}
}
