package dev.trellis.desktop.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trellis.desktop.model.PeerView;
import dev.trellis.desktop.model.PeerView.PathKind;
import dev.trellis.desktop.testing.Fixtures;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The window's pure helpers: ordering, command finding, URL checks, address text, rows. */
class PureTest {
    @Test
    void naturalOrderSortsNumbersByValueAndIgnoresCase() {
        List<String> l = new ArrayList<>(List.of("node10", "Node2", "node1", "100.64.0.10", "100.64.0.9", "b", "A",
                "node01"));
        l.sort(NaturalOrder.INSTANCE);
        assertThat(l).containsExactly("100.64.0.9", "100.64.0.10", "A", "b", "node01", "node1", "Node2", "node10");
        assertThat(NaturalOrder.INSTANCE.compare("x" + "9".repeat(40), "x" + "1" + "0".repeat(40))).isNegative();
        assertThat(NaturalOrder.INSTANCE.compare(null, "a")).isNegative();
    }

    @Test
    void commandsAreFoundInAdvice() {
        assertThat(Commands.find("trellisd is not running (no socket at /run/x.sock). Start it: sudo systemctl start trellisd"))
                .isEqualTo("sudo systemctl start trellisd");
        assertThat(Commands.find("Join the group trellis (sudo usermod -aG trellis $USER), then log in again"))
                .isEqualTo("sudo usermod -aG trellis $USER");
        assertThat(Commands.find("Run: trellis up.")).isEqualTo("trellis up");
        assertThat(Commands.find("trellisd sent a malformed reply. Update Trellis so that the app and trellisd match"))
                .isNull();
        assertThat(Commands.find(null)).isNull();
    }

    @Test
    void loginServers() {
        assertThat(LoginServers.problem(null)).isNull();
        assertThat(LoginServers.problem("https://login.example.com")).isNull();
        assertThat(LoginServers.problem("ws://x")).contains("https://");
        assertThat(LoginServers.problem("https://:443")).contains("host");
        assertThat(LoginServers.problem("https://a b")).startsWith("Not a URL");
    }

    @Test
    void addressesAreShownInCanonicalForm() {
        assertThat(Addresses.canonical("fd7a:115c:a1e0:0:0:0:0:1")).isEqualTo("fd7a:115c:a1e0::1");
        assertThat(Addresses.canonical("100.64.0.1")).isEqualTo("100.64.0.1");
        assertThat(Addresses.canonical("not-an-ip")).isEqualTo("not-an-ip");
    }

    @Test
    void aRowReportsChangesAndMatchesSearches() {
        Instant now = Fixtures.NOW;
        PeerView relayed = Harness.peer(7, PathKind.RELAYED);
        PeerRow row = new PeerRow(relayed, now);
        int v0 = row.versionProperty().get();
        assertThat(row.update(relayed, now)).isFalse();
        assertThat(row.versionProperty().get()).isEqualTo(v0);
        assertThat(row.update(Harness.peer(7, PathKind.DIRECT), now)).isTrue();
        assertThat(row.versionProperty().get()).isEqualTo(v0 + 1);
        assertThat(row.pathProperty().getValue()).isEqualTo(new PeerRow.Path(PathKind.DIRECT, "direct",
                "198.18.1.7:41641", null));
        assertThat(row.addresses()).containsExactly("100.64.1.7", "fd7a:115c:a1e0::1:7");
        assertThat(row.matches("HOST-07 linux")).isTrue();
        assertThat(row.matches("fd7a:115c:a1e0::1:7")).isTrue();
        assertThat(row.matches("host-07 windows")).isFalse();
        assertThat(row.matches("  ")).isTrue();
        assertThatThrownBy(() -> row.update(Harness.peer(8, PathKind.DIRECT), now))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key-host-08");
    }

    @Test
    void keyExpiryText() {
        Instant now = Fixtures.NOW;
        assertThat(DevicePane.expiryText(null, now)).isEqualTo("never");
        assertThat(DevicePane.expiryText(now.plusSeconds(3 * 86400), now)).startsWith("in 3 days · ");
        assertThat(DevicePane.expiryText(now.minusSeconds(7200), now)).startsWith("expired 2 hours ago · ");
    }
}
