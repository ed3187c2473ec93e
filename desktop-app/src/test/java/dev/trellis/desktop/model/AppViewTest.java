package dev.trellis.desktop.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.desktop.model.PeerView.PathKind;
import dev.trellis.desktop.testing.Fixtures;
import dev.trellis.desktop.testing.Fixtures.Scenario;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AppViewTest {

    @Test
    void eachScenarioHasItsTrayState() {
        Map<Scenario, TrayState> expected = new EnumMap<>(Scenario.class);
        expected.put(Scenario.UNREACHABLE, TrayState.UNREACHABLE);
        expected.put(Scenario.DENIED, TrayState.ERROR);
        expected.put(Scenario.ERROR, TrayState.ERROR);
        expected.put(Scenario.LOADING, TrayState.CONNECTING);
        expected.put(Scenario.LOGGED_OUT, TrayState.NEEDS_LOGIN);
        expected.put(Scenario.CONNECTING, TrayState.CONNECTING);
        expected.put(Scenario.CONNECTED, TrayState.CONNECTED);
        expected.put(Scenario.WARNING, TrayState.WARNING);
        expected.put(Scenario.STOPPED, TrayState.STOPPED);
        expected.put(Scenario.NO_PEERS, TrayState.CONNECTED);
        for (Scenario s : Scenario.values()) {
            assertThat(Fixtures.view(s).state()).as(s.name()).isEqualTo(expected.get(s));
        }
    }

    @Test
    void peersCarryTheirPaths() {
        AppView v = Fixtures.view(Scenario.WARNING);
        PeerView server = v.peers().stream().filter(p -> p.name().equals("server")).findFirst().orElseThrow();
        assertThat(server.path()).isEqualTo(PathKind.DIRECT);
        assertThat(server.pathText()).isEqualTo("direct 198.18.0.2:41641");
        assertThat(Formats.latency(server.latency())).isEqualTo("1.4 ms");
        assertThat(server.addresses()).containsExactly("100.64.0.2", "fd7a:115c:a1e0::2");
        PeerView nas = v.peers().stream().filter(p -> p.name().equals("nas")).findFirst().orElseThrow();
        assertThat(nas.pathText()).isEqualTo("relayed via lab1");
        assertThat(nas.relayReason()).contains("hard NAT");
        PeerView phone = v.peers().stream().filter(p -> p.name().equals("phone")).findFirst().orElseThrow();
        assertThat(phone.pathText()).isEqualTo("offline");
        assertThat(phone.user()).isEqualTo("bob@example.com");
        PeerView runner = v.peers().stream().filter(p -> p.name().equals("ci-runner")).findFirst().orElseThrow();
        assertThat(runner.user()).isEqualTo("tagged");
        assertThat(v.peers()).extracting(PeerView::name).containsExactly("ci-runner", "nas", "phone", "server");
    }

    @Test
    void thisDeviceIsDescribed() {
        SelfView self = Fixtures.view(Scenario.CONNECTED).self();
        assertThat(self.name()).isEqualTo("laptop");
        assertThat(self.dnsName()).isEqualTo("laptop.alice.trellis.internal");
        assertThat(self.loginServer()).isEqualTo(Fixtures.CONTROL_URL);
        assertThat(self.user()).isEqualTo("alice@example.com");
        assertThat(self.addresses()).containsExactly("100.64.0.1", "fd7a:115c:a1e0::1");
    }

    @Test
    void problemsSayWhatToDo() {
        assertThat(Fixtures.view(Scenario.UNREACHABLE).fix()).contains("systemctl start trellisd");
        assertThat(Fixtures.view(Scenario.DENIED).fix()).contains("usermod -aG trellis");
        assertThat(Fixtures.view(Scenario.LOGGED_OUT).needsLogin()).isTrue();
        assertThat(Fixtures.view(Scenario.STOPPED).canConnect()).isTrue();
        assertThat(Fixtures.view(Scenario.CONNECTED).canDisconnect()).isTrue();
    }

    @Test
    void formats() {
        assertThat(Formats.bytes(0)).isEqualTo("0 B");
        assertThat(Formats.bytes(1536)).isEqualTo("1.5 KiB");
        assertThat(Formats.duration(Duration.ofHours(49))).isEqualTo("2 days");
        assertThat(Formats.duration(Duration.ofSeconds(1))).isEqualTo("1 second");
        assertThat(Formats.ago(Fixtures.NOW.minusSeconds(180), Fixtures.NOW)).isEqualTo("3 minutes ago");
        assertThat(Formats.ago(null, Fixtures.NOW)).isEqualTo("never");
        assertThat(Formats.latency(null)).isEqualTo("—");
        assertThat(Formats.latency(Duration.ofMillis(1500))).isEqualTo("1.5 s");
    }
}
