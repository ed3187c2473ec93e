package dev.trellis.relay;

import dev.trellis.protocol.relay.QueueBudget;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a relay serves its clients.
 *
 * @param region              region ID, shown in /health and /metrics (empty: none)
 * @param queueFrames         frames that may wait for one client before more are dropped
 * @param queueBytes          bytes that may wait for one client before more are dropped
 * @param queueBudgetBytes    bytes that may wait for all clients together (see {@link QueueBudget})
 * @param rateBytesPerSecond  what one client may send, sustained (0: unlimited)
 * @param burstBytes          what one client may send at once, on top of the rate
 * @param keepAlive           idle time before the relay sends a KeepAlive
 * @param handshakeTimeout    from upgrade until the ClientHello has arrived: a deadline for the whole
 *                            hello, however slowly its bytes trickle in
 * @param idleTimeout         silence from a client after which it is dropped (clients keep alive each minute)
 * @param writeStallTimeout   how long one write to a client may stall before the client is dropped
 * @param peerGoneInterval    at most one "never here" PeerGone per sender and destination this often
 * @param maxConnections      open HTTP connections, relay clients included
 * @param meshSecretOrNull    the region's shared mesh secret; null: no mesh
 * @param meshWith            the other relays of the region, {@code http(s)://host:port}
 */
public record RelayConfig(
        String region,
        int queueFrames,
        long queueBytes,
        long queueBudgetBytes,
        long rateBytesPerSecond,
        long burstBytes,
        Duration keepAlive,
        Duration handshakeTimeout,
        Duration idleTimeout,
        Duration writeStallTimeout,
        Duration peerGoneInterval,
        int maxConnections,
        byte[] meshSecretOrNull,
        List<URI> meshWith) {

    public RelayConfig {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(keepAlive, "keepAlive");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(writeStallTimeout, "writeStallTimeout");
        Objects.requireNonNull(peerGoneInterval, "peerGoneInterval");
        meshWith = List.copyOf(meshWith);
        if (queueFrames <= 0 || queueBytes <= 0 || queueBudgetBytes <= 0 || maxConnections <= 0) {
            throw new IllegalArgumentException("queue bounds, the queue budget and maxConnections must be positive");
        }
        if (rateBytesPerSecond < 0 || burstBytes < 0) {
            throw new IllegalArgumentException("rate and burst must not be negative");
        }
        if (!meshWith.isEmpty() && meshSecretOrNull == null) {
            throw new IllegalArgumentException("meshing with other relays needs a mesh key");
        }
    }

    /** The default {@link #queueBudgetBytes}: 256 MiB for all clients' queues together. */
    public static final long DEFAULT_QUEUE_BUDGET = 256L << 20;

    /**
     * 512 frames / 4 MiB per client, 256 MiB for all clients, no rate limit (burst 256 KiB once
     * one is set), KeepAlive each 60 s, 10 s handshake, 150 s idle, 30 s write stall, PeerGone
     * each 5 s, 20,000 connections.
     */
    public static RelayConfig defaults() {
        return new RelayConfig("", 512, 4L << 20, DEFAULT_QUEUE_BUDGET, 0, 256 * 1024, Duration.ofSeconds(60),
                Duration.ofSeconds(10), Duration.ofSeconds(150), Duration.ofSeconds(30), Duration.ofSeconds(5), 20_000,
                null, List.of());
    }

    public RelayConfig withRegion(String id) {
        return new RelayConfig(id, queueFrames, queueBytes, queueBudgetBytes, rateBytesPerSecond, burstBytes,
                keepAlive, handshakeTimeout, idleTimeout, writeStallTimeout, peerGoneInterval, maxConnections,
                meshSecretOrNull, meshWith);
    }

    public RelayConfig withQueue(int frames, long bytes) {
        return new RelayConfig(region, frames, bytes, queueBudgetBytes, rateBytesPerSecond, burstBytes, keepAlive,
                handshakeTimeout, idleTimeout, writeStallTimeout, peerGoneInterval, maxConnections, meshSecretOrNull,
                meshWith);
    }

    /** All clients' send queues together may hold at most {@code bytes} of packets. */
    public RelayConfig withQueueBudget(long bytes) {
        return new RelayConfig(region, queueFrames, queueBytes, bytes, rateBytesPerSecond, burstBytes, keepAlive,
                handshakeTimeout, idleTimeout, writeStallTimeout, peerGoneInterval, maxConnections, meshSecretOrNull,
                meshWith);
    }

    public RelayConfig withRate(long bytesPerSecond, long burst) {
        return new RelayConfig(region, queueFrames, queueBytes, queueBudgetBytes, bytesPerSecond, burst, keepAlive,
                handshakeTimeout, idleTimeout, writeStallTimeout, peerGoneInterval, maxConnections, meshSecretOrNull,
                meshWith);
    }

    public RelayConfig withTimeouts(Duration handshake, Duration idle, Duration writeStall) {
        return new RelayConfig(region, queueFrames, queueBytes, queueBudgetBytes, rateBytesPerSecond, burstBytes,
                keepAlive, handshake, idle, writeStall, peerGoneInterval, maxConnections, meshSecretOrNull, meshWith);
    }

    public RelayConfig withKeepAlive(Duration interval) {
        return new RelayConfig(region, queueFrames, queueBytes, queueBudgetBytes, rateBytesPerSecond, burstBytes,
                interval, handshakeTimeout, idleTimeout, writeStallTimeout, peerGoneInterval, maxConnections,
                meshSecretOrNull, meshWith);
    }

    public RelayConfig withMesh(byte[] secret, List<URI> others) {
        return new RelayConfig(region, queueFrames, queueBytes, queueBudgetBytes, rateBytesPerSecond, burstBytes,
                keepAlive, handshakeTimeout, idleTimeout, writeStallTimeout, peerGoneInterval, maxConnections,
                secret == null ? null : secret.clone(), others);
    }

    @Override
    public String toString() {
        return "RelayConfig[region=" + region + ", queue=" + queueFrames + "/" + queueBytes + ", budget="
                + queueBudgetBytes + ", rate=" + rateBytesPerSecond + "/" + burstBytes + ", mesh="
                + (meshSecretOrNull != null) + " with " + meshWith + "]";
    }
}
