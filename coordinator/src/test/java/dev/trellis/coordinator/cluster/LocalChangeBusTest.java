package dev.trellis.coordinator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LocalChangeBusTest {
    @Test
    void aProcessAloneHearsNothingAndCountsWhatItPublished() {
        Recorder heard = new Recorder();
        try (LocalChangeBus bus = new LocalChangeBus()) {
            bus.subscribe(heard);
            bus.publish(new Change.NodeChanged(1));
            bus.publish(new Change.PolicyChanged());
            assertThat(bus.metrics().published()).isEqualTo(2);
            assertThat(bus.metrics().connected()).isTrue();
        }
        assertThat(heard.changes()).isEmpty();
        assertThat(heard.resyncs()).isZero();
    }

    @Test
    void sqliteGetsTheLocalBusAndOtherDatabasesAreRefused() {
        assertThat(ChangeBuses.forDatabase(null)).isInstanceOf(LocalChangeBus.class);
        assertThat(ChangeBuses.forDatabase("jdbc:sqlite:/tmp/x.db")).isInstanceOf(LocalChangeBus.class);
        assertThatThrownBy(() -> ChangeBuses.forDatabase("jdbc:mysql://db/x?password=hunter2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void settingsRefuseNonsense() {
        PostgresChangeBus.Settings d = PostgresChangeBus.Settings.defaults();
        assertThatThrownBy(() -> new PostgresChangeBus.Settings(Duration.ZERO, d.timeout(), d.reconnectMin(),
                d.reconnectMax(), d.queueCapacity(), d.closeTimeout())).hasMessageContaining("heartbeat");
        assertThatThrownBy(() -> new PostgresChangeBus.Settings(d.heartbeat(), Duration.ofMillis(500),
                d.reconnectMin(), d.reconnectMax(), d.queueCapacity(), d.closeTimeout()))
                .hasMessageContaining("at least 1 s");
        assertThatThrownBy(() -> new PostgresChangeBus.Settings(d.heartbeat(), d.timeout(), Duration.ofSeconds(9),
                Duration.ofSeconds(1), d.queueCapacity(), d.closeTimeout())).hasMessageContaining("reconnectMax");
        assertThatThrownBy(() -> new PostgresChangeBus.Settings(d.heartbeat(), d.timeout(), d.reconnectMin(),
                d.reconnectMax(), 0, d.closeTimeout())).hasMessageContaining("queueCapacity");
    }
}
