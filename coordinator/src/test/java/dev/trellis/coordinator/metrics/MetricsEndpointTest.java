package dev.trellis.coordinator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.coordinator.control.ControlMetrics;
import dev.trellis.coordinator.netmap.MapSession;
import dev.trellis.coordinator.netmap.NetMapHub;
import dev.trellis.coordinator.netmap.PeerPolicy;
import dev.trellis.protocol.control.DnsConfig;
import dev.trellis.protocol.control.Node;
import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.net.IpPrefix;
import dev.trellis.relay.RelayConfig;
import dev.trellis.relay.RelayService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The coordinator's exposition: the right values, every line valid. */
class MetricsEndpointTest {
    private final NetMapHub hub = new NetMapHub(PeerPolicy.allowAll(), new DnsConfig("trellis.test", null, null),
            Clock.systemUTC(), Duration.ofSeconds(30), new NetMapHub.Listener() {
                @Override
                public void online(long nodeId) {}

                @Override
                public void offline(long nodeId, Instant lastSeen) {}
            });

    @AfterEach
    void close() {
        hub.closeAll();
    }

    private static Node node(long id) {
        List<IpPrefix> a = List.of(IpPrefix.parse("100.64.0." + id + "/32"));
        return new Node(id, "s" + id, "n" + id, 1, NodePrivateKey.generate().publicKey(), null, null, a, a, List.of(),
                null, null, Instant.EPOCH, null, null, List.of(), false);
    }

    @Test
    void nodesSessionsCountersAndProcessStatsAreExported() {
        hub.load(List.of(node(1), node(2), node(3)));
        MapSession.Sink quiet = r -> {};
        hub.open(1, 1, quiet).orElseThrow();
        hub.open(2, 1, quiet).orElseThrow();
        ControlMetrics control = new ControlMetrics();
        control.connections.add(5);
        control.openConnections.add(2);
        control.handshakeFailures.increment();
        control.badMessages.add(4);
        control.registrations.add(7);
        control.registrationsRefused.add(3);
        control.mapMessagesSent.add(11);
        control.endpointUpdates.add(6);

        String text = new CoordinatorMetrics(hub, control, () -> 9).render();
        Map<String, Double> s = ExpositionChecker.check(text);

        assertThat(s).containsEntry("trellis_coordinator_nodes", 3.0)
                .containsEntry("trellis_coordinator_nodes_online", 2.0)
                .containsEntry("trellis_coordinator_map_sessions", 2.0)
                .containsEntry("trellis_coordinator_control_connections_total", 5.0)
                .containsEntry("trellis_coordinator_control_connections_open", 2.0)
                .containsEntry("trellis_coordinator_control_handshake_failures_total", 1.0)
                .containsEntry("trellis_coordinator_control_bad_messages_total", 4.0)
                .containsEntry("trellis_coordinator_control_registrations_total", 7.0)
                .containsEntry("trellis_coordinator_control_registrations_refused_total", 3.0)
                .containsEntry("trellis_coordinator_control_map_messages_sent_total", 11.0)
                .containsEntry("trellis_coordinator_control_endpoint_updates_total", 6.0)
                .containsEntry("trellis_coordinator_http_open_connections", 9.0);
        assertThat(s.get("jvm_memory_used_bytes{area=\"heap\"}")).isPositive();
        assertThat(s.get("process_cpu_seconds_total")).isPositive();
        assertThat(s.get("process_resident_memory_bytes")).as("from /proc/self/statm")
                .isGreaterThan(s.get("jvm_memory_used_bytes{area=\"heap\"}") / 100);
        assertThat(s.get("process_open_fds")).isPositive();
        assertThat(s.get("process_start_time_seconds")).isBetween(1e9, Instant.now().getEpochSecond() + 1.0);
        assertThat(text).contains("# TYPE trellis_coordinator_control_connections_total counter\n")
                .contains("# TYPE trellis_coordinator_nodes gauge\n");
    }

    @Test
    void anEmbeddedRelaysMetricsJoinTheExposition() {
        try (RelayService relay = RelayService.start(NodePrivateKey.generate(),
                RelayConfig.defaults().withRegion("embedded"))) {
            String text = new CoordinatorMetrics(hub, new ControlMetrics(), () -> 0, relay::prometheus).render();
            Map<String, Double> s = ExpositionChecker.check(text); // one valid exposition, no family twice
            assertThat(s).containsEntry("trellis_coordinator_nodes", 0.0)
                    .containsEntry("trellis_relay_clients{region=\"embedded\"}", 0.0)
                    .containsEntry("trellis_relay_queue_budget_bytes{region=\"embedded\"}",
                            (double) RelayConfig.DEFAULT_QUEUE_BUDGET);
        }
    }
}
