package dev.trellis.relay;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/** The relay's counters, and their Prometheus text form for {@code GET /metrics}. */
public final class RelayMetrics {
    /** Why a packet was not delivered. */
    public enum Drop {
        /** The sender exceeded its byte rate. */
        RATE_LIMITED,
        /** The destination's send queue was full (it reads too slowly). */
        QUEUE_FULL,
        /** Nobody holds the destination key here or on a mesh peer. */
        UNKNOWN_DEST,
        /** The link to the mesh peer holding the destination was full. */
        MESH_QUEUE_FULL,
        /** All clients' queues together held the relay's queue budget. */
        QUEUE_BUDGET
    }

    /** Why a client was refused. */
    public enum AuthFailure {
        NO_HELLO, BAD_PROOF, BAD_MESH_PROOF
    }

    final LongAdder accepted = new LongAdder();
    final LongAdder packetsForwarded = new LongAdder();
    final LongAdder bytesForwarded = new LongAdder();
    final LongAdder packetsToMesh = new LongAdder();
    final LongAdder packetsFromMesh = new LongAdder();
    final LongAdder duplicateClients = new LongAdder();
    final LongAdder unknownFrames = new LongAdder();
    final LongAdder badFrames = new LongAdder();
    final LongAdder restartsAnnounced = new LongAdder();
    private final Map<Drop, LongAdder> drops = new EnumMap<>(Drop.class);
    private final Map<AuthFailure, LongAdder> authFailures = new EnumMap<>(AuthFailure.class);
    private volatile IntSupplier clients = () -> 0;
    private volatile IntSupplier meshClients = () -> 0;
    private volatile IntSupplier meshPeers = () -> 0;
    private volatile LongSupplier queuedBytes = () -> 0;
    private volatile long queueBudget;

    RelayMetrics() {
        for (Drop d : Drop.values()) {
            drops.put(d, new LongAdder());
        }
        for (AuthFailure a : AuthFailure.values()) {
            authFailures.put(a, new LongAdder());
        }
    }

    void gauges(IntSupplier clientCount, IntSupplier meshClientCount, IntSupplier meshPeerCount,
            LongSupplier queuedBytesNow, long queueBudgetBytes) {
        this.clients = clientCount;
        this.meshClients = meshClientCount;
        this.meshPeers = meshPeerCount;
        this.queuedBytes = queuedBytesNow;
        this.queueBudget = queueBudgetBytes;
    }

    void drop(Drop reason) {
        drops.get(reason).increment();
    }

    void authFailure(AuthFailure reason) {
        authFailures.get(reason).increment();
    }

    public long drops(Drop reason) {
        return drops.get(reason).sum();
    }

    public long authFailures(AuthFailure reason) {
        return authFailures.get(reason).sum();
    }

    public long authFailures() {
        return authFailures.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public long packetsForwarded() {
        return packetsForwarded.sum();
    }

    public long bytesForwarded() {
        return bytesForwarded.sum();
    }

    public long packetsToMesh() {
        return packetsToMesh.sum();
    }

    public long duplicateClients() {
        return duplicateClients.sum();
    }

    public long unknownFrames() {
        return unknownFrames.sum();
    }

    /** Clients closed because they sent a malformed or oversized frame. */
    public long badFrames() {
        return badFrames.sum();
    }

    /** Bytes waiting in all clients' send queues now. */
    public long queuedBytes() {
        return queuedBytes.getAsLong();
    }

    public int clients() {
        return clients.getAsInt();
    }

    public int meshPeers() {
        return meshPeers.getAsInt();
    }

    /** Prometheus text exposition format 0.0.4. */
    public String prometheus(String region) {
        StringBuilder b = new StringBuilder();
        String r = region.isEmpty() ? "" : "region=\"" + escape(region) + "\"";
        gauge(b, "trellis_relay_clients", "Nodes attached now.", r, clients.getAsInt());
        gauge(b, "trellis_relay_mesh_clients", "Mesh relays attached to us now.", r, meshClients.getAsInt());
        gauge(b, "trellis_relay_mesh_peers", "Mesh relays we are connected to now.", r, meshPeers.getAsInt());
        counter(b, "trellis_relay_accepted_total", "Clients that completed the handshake.", r, accepted.sum());
        counter(b, "trellis_relay_packets_forwarded_total", "Packets queued to a local client.", r, packetsForwarded.sum());
        counter(b, "trellis_relay_bytes_forwarded_total", "Packet bytes queued to a local client.", r, bytesForwarded.sum());
        counter(b, "trellis_relay_packets_to_mesh_total", "Packets forwarded to a mesh peer.", r, packetsToMesh.sum());
        counter(b, "trellis_relay_packets_from_mesh_total", "Packets a mesh peer forwarded to us.", r, packetsFromMesh.sum());
        counter(b, "trellis_relay_duplicate_clients_total", "Clients replaced by a newer connection with the same key.",
                r, duplicateClients.sum());
        gauge(b, "trellis_relay_queued_bytes", "Bytes waiting in all clients' send queues.", r, queuedBytes.getAsLong());
        gauge(b, "trellis_relay_queue_budget_bytes", "Most packet bytes all clients' send queues may hold together.", r,
                queueBudget);
        counter(b, "trellis_relay_unknown_frames_total", "Frames of unknown type skipped.", r, unknownFrames.sum());
        counter(b, "trellis_relay_bad_frames_total", "Clients closed for a malformed or oversized frame.", r,
                badFrames.sum());
        counter(b, "trellis_relay_restarting_sent_total", "Restarting frames sent to clients at shutdown.", r,
                restartsAnnounced.sum());
        b.append("# HELP trellis_relay_packets_dropped_total Packets not delivered, by reason.\n")
                .append("# TYPE trellis_relay_packets_dropped_total counter\n");
        for (var e : drops.entrySet()) {
            b.append("trellis_relay_packets_dropped_total{").append(r.isEmpty() ? "" : r + ",")
                    .append("reason=\"").append(e.getKey().name().toLowerCase(java.util.Locale.ROOT)).append("\"} ")
                    .append(e.getValue().sum()).append('\n');
        }
        b.append("# HELP trellis_relay_auth_failures_total Clients refused, by reason.\n")
                .append("# TYPE trellis_relay_auth_failures_total counter\n");
        for (var e : authFailures.entrySet()) {
            b.append("trellis_relay_auth_failures_total{").append(r.isEmpty() ? "" : r + ",")
                    .append("reason=\"").append(e.getKey().name().toLowerCase(java.util.Locale.ROOT)).append("\"} ")
                    .append(e.getValue().sum()).append('\n');
        }
        return b.toString();
    }

    private static void gauge(StringBuilder b, String name, String help, String labels, long v) {
        metric(b, name, help, "gauge", labels, v);
    }

    private static void counter(StringBuilder b, String name, String help, String labels, long v) {
        metric(b, name, help, "counter", labels, v);
    }

    private static void metric(StringBuilder b, String name, String help, String type, String labels, long v) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(' ').append(type).append('\n')
                .append(name).append(labels.isEmpty() ? "" : "{" + labels + "}").append(' ').append(v).append('\n');
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
