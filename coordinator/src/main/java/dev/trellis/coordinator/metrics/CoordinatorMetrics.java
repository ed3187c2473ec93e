package dev.trellis.coordinator.metrics;

import dev.trellis.coordinator.control.ControlMetrics;
import dev.trellis.coordinator.metrics.PrometheusText.Sample;
import dev.trellis.coordinator.metrics.PrometheusText.Type;
import dev.trellis.coordinator.netmap.NetMapHub;
import dev.trellis.protocol.http.Handler;
import dev.trellis.protocol.http.HttpResponse;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The coordinator's metrics, read fresh on every scrape from the netmap hub (nodes, sessions),
 * the control front end's counters, the HTTP server and the JVM. Holds no state of its own, so a
 * scrape costs a few microseconds and no database query.
 *
 * <p>Served at {@code GET /metrics} on the main port without authentication, and on the admin
 * socket. The numbers say how big the network is and how busy the server is, nothing more (no
 * names, keys or addresses); still, operators should firewall {@code /metrics} on the main port
 * or block it at the reverse proxy, and scrape it from a trusted network.
 */
public final class CoordinatorMetrics {
    private final NetMapHub hub;
    private final ControlMetrics control;
    private final IntSupplier httpOpenConnections;
    private final Supplier<String> more;
    private final ProcessStats process = new ProcessStats();

    /** @param httpOpenConnections the main HTTP server's open connections */
    public CoordinatorMetrics(NetMapHub hub, ControlMetrics control, IntSupplier httpOpenConnections) {
        this(hub, control, httpOpenConnections, () -> "");
    }

    /**
     * @param more Prometheus text of other parts of the process (the embedded relay's
     *     {@code trellis_relay_*}), appended as is; its families must not clash with ours
     */
    public CoordinatorMetrics(NetMapHub hub, ControlMetrics control, IntSupplier httpOpenConnections,
            Supplier<String> more) {
        this.hub = Objects.requireNonNull(hub, "hub");
        this.control = Objects.requireNonNull(control, "control");
        this.httpOpenConnections = Objects.requireNonNull(httpOpenConnections, "httpOpenConnections");
        this.more = Objects.requireNonNull(more, "more");
    }

    /** The current values in the Prometheus text format. */
    public String render() {
        var nodes = hub.nodes();
        long online = nodes.stream().filter(n -> Boolean.TRUE.equals(n.online())).count();
        PrometheusText t = new PrometheusText()
                .gauge("trellis_coordinator_nodes", "Nodes registered in the network.", nodes.size())
                .gauge("trellis_coordinator_nodes_online", "Nodes with an open map stream.", online)
                .gauge("trellis_coordinator_map_sessions", "Open map streams.", hub.sessionCount())
                .counter("trellis_coordinator_control_connections_total",
                        "Control connections accepted (upgraded to the Noise protocol).", control.connections.sum())
                .gauge("trellis_coordinator_control_connections_open", "Control connections open now.",
                        control.openConnections.sum())
                .counter("trellis_coordinator_control_handshake_failures_total",
                        "Control connections whose Noise handshake failed.", control.handshakeFailures.sum())
                .counter("trellis_coordinator_control_bad_messages_total",
                        "Control messages that could not be decoded or were not allowed.", control.badMessages.sum())
                .counter("trellis_coordinator_control_registrations_total", "Registration requests answered.",
                        control.registrations.sum())
                .counter("trellis_coordinator_control_registrations_refused_total",
                        "Registration requests refused (bad or used pre-auth key, expired login, ...).",
                        control.registrationsRefused.sum())
                .counter("trellis_coordinator_control_map_messages_sent_total",
                        "Map responses sent (full maps, deltas and keep-alives).", control.mapMessagesSent.sum())
                .counter("trellis_coordinator_control_endpoint_updates_total", "Endpoint reports received.",
                        control.endpointUpdates.sum())
                .gauge("trellis_coordinator_http_open_connections",
                        "Open connections of the main HTTP server, including control connections.",
                        httpOpenConnections.getAsInt());
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        t.family(Type.GAUGE, "jvm_memory_used_bytes", "Memory used by the JVM, by area.", List.of(
                Sample.of(memory.getHeapMemoryUsage().getUsed(), "area", "heap"),
                Sample.of(memory.getNonHeapMemoryUsage().getUsed(), "area", "nonheap")));
        long heapMax = memory.getHeapMemoryUsage().getMax();
        if (heapMax >= 0) {
            t.family(Type.GAUGE, "jvm_memory_max_bytes", "Most memory the JVM may use, by area.",
                    List.of(Sample.of(heapMax, "area", "heap")));
        }
        double cpu = process.cpuSeconds();
        if (cpu >= 0) {
            t.counter("process_cpu_seconds_total", "User and system CPU time spent, in seconds.", cpu);
        }
        long rss = process.residentBytes();
        if (rss >= 0) {
            t.gauge("process_resident_memory_bytes", "Resident memory size, in bytes.", rss);
        }
        long fds = process.openFds();
        if (fds >= 0) {
            t.gauge("process_open_fds", "Open file descriptors.", fds);
            t.gauge("process_max_fds", "Most file descriptors the process may open.", process.maxFds());
        }
        t.gauge("process_start_time_seconds", "Start time of the process, in seconds since the epoch.",
                process.startTimeSeconds());
        return t.render() + more.get();
    }

    /** {@code GET /metrics}: the exposition as {@link PrometheusText#CONTENT_TYPE}. */
    public Handler handler() {
        return ex -> ex.respond(HttpResponse.of(200, PrometheusText.CONTENT_TYPE,
                render().getBytes(StandardCharsets.UTF_8)));
    }
}
