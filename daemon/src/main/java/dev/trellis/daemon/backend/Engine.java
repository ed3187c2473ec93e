package dev.trellis.daemon.backend;

import dev.trellis.engine.controlclient.NetMap;
import dev.trellis.engine.wg.DeviceStatus;
import dev.trellis.protocol.key.NodePrivateKey;
import java.io.IOException;
import java.util.List;

/**
 * The data plane as the backend drives it: WireGuard peers plus the TUN's addresses and
 * routes. The real one is {@link WgEngine}; tests use a recording fake.
 */
public interface Engine extends AutoCloseable {
    /**
     * Configures the tunnel for {@code map}, as node {@code key}: minimal changes from the last
     * call. With {@code acceptDns}, the system's resolver is pointed at MagicDNS too.
     */
    void apply(NetMap map, NodePrivateKey key, boolean acceptDns) throws IOException;

    /** Problems of the data plane a user should know about (one sentence each); empty when none. */
    default List<String> health() {
        return List.of();
    }

    /** Removes every peer, address, route and name, and restores the system's DNS: the tunnel is down, the device stays. */
    void clear() throws IOException;

    /** Peers' handshakes and traffic counters. */
    DeviceStatus status();

    /** Where peers can reach this node: "ip:port" for each usable local address. */
    List<String> localEndpoints();

    /**
     * Sends one ICMP echo to {@code to} through the tunnel and waits up to {@code timeout} for the
     * reply. Returns the round trip time, or empty when no reply came in time.
     */
    java.util.Optional<java.time.Duration> ping(java.net.InetAddress to, java.time.Duration timeout) throws IOException;

    /** How each peer is reached now: direct or relayed, latency, why relayed. Empty without a paths layer. */
    default java.util.Map<dev.trellis.protocol.key.NodePublicKey, dev.trellis.engine.paths.PathStatus> paths() {
        return java.util.Map.of();
    }

    /** This node's disco key, announced to the coordinator; null without a paths layer. */
    default dev.trellis.protocol.key.DiscoPublicKey discoKey() {
        return null;
    }

    /** What the last netcheck found, for the coordinator and peers; null if none yet. */
    default dev.trellis.protocol.control.NetInfo netInfo() {
        return null;
    }

    /** {@code listener} runs when this node's endpoints or NetInfo change (peers must be told). */
    default void onNetworkChange(Runnable listener) {}

    /** Runs a netcheck now and returns it; empty without a paths layer or relay map. */
    default java.util.Optional<dev.trellis.engine.netcheck.NetReport> netcheck() throws InterruptedException {
        return java.util.Optional.empty();
    }

    /** A disco ping to {@code peer} on all its paths at once; completes with the first pong. */
    default java.util.concurrent.CompletableFuture<dev.trellis.engine.paths.PathBind.PingReply> discoPing(
            dev.trellis.protocol.key.NodePublicKey peer) {
        return java.util.concurrent.CompletableFuture.failedFuture(
                new UnsupportedOperationException("this engine has no disco"));
    }

    /** Counters of the data plane (packet filter, WireGuard, local services), by dotted name. */
    default java.util.Map<String, Long> metrics() {
        return java.util.Map.of();
    }

    @Override
    void close();
}
