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

    /** Counters of the data plane (packet filter, WireGuard, local services), by dotted name. */
    default java.util.Map<String, Long> metrics() {
        return java.util.Map.of();
    }

    @Override
    void close();
}
