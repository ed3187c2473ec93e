package dev.trellis.protocol.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RelayMapTest {
    private static RelayMap.Relay relay(String name, String v4) {
        return new RelayMap.Relay(name, "relay.test", v4, null, 8443, 3478, true);
    }

    private static final RelayMap MAP = new RelayMap(List.of(
            new RelayMap.Region(1, "lab", "Lab one", List.of(relay("r1a", "198.18.0.1"), relay("r1b", "198.18.0.2"))),
            new RelayMap.Region(2, "lab2", "Lab two", List.of(relay("r2a", "198.18.1.1")))));

    @Test
    void travelsInMapResponsesWithTailscaleStyleNames() throws Exception {
        MapResponse r = new MapResponse(1, 2, false, null, null, null, null, null, null, null, null, Instant.EPOCH, MAP);
        String json = new String(ControlCodec.encode(r), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(json).contains("\"RelayMap\":{\"Regions\":[{\"ID\":1,\"Code\":\"lab\"", "\"IPv4\":\"198.18.0.1\"",
                "\"RelayPort\":8443", "\"STUNPort\":3478", "\"InsecureForTests\":true");
        assertThat(((MapResponse) ControlCodec.decode(ControlCodec.encode(r))).relayMap()).isEqualTo(MAP);
        assertThat(MAP.validate().region(2)).map(RelayMap.Region::code).contains("lab2");
    }

    @Test
    void validationNamesWhatIsWrong() {
        assertThatThrownBy(() -> new RelayMap(List.of(new RelayMap.Region(1, "a", "A", List.of(relay("x", null))),
                new RelayMap.Region(1, "b", "B", List.of(relay("y", null))))).validate())
                .hasMessageContaining("distinct");
        assertThatThrownBy(() -> new RelayMap(List.of(new RelayMap.Region(3, "a", "A", List.of()))).validate())
                .hasMessageContaining("no relays");
        assertThatThrownBy(() -> new RelayMap(List.of(new RelayMap.Region(3, "a", "A",
                List.of(relay("x", "fd7a::1"))))).validate()).hasMessageContaining("IPv4");
        assertThatThrownBy(() -> new RelayMap(List.of(new RelayMap.Region(3, "A B", "A",
                List.of(relay("x", null))))).validate()).hasMessageContaining("Code");
        assertThatThrownBy(() -> new RelayMap(List.of(new RelayMap.Region(3, "a", "A",
                List.of(new RelayMap.Relay("x", "h", null, null, 70000, 0, false))))).validate())
                .hasMessageContaining("ports");
    }
}
