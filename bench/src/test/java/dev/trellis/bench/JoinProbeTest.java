package dev.trellis.bench;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class JoinProbeTest {
    @Test
    void recordsTheFirstMessageHoldingTheKeyPerWatchedNode() throws Exception {
        JoinProbe probe = new JoinProbe(2);
        probe.watch("nodekey:abcd");
        probe.onMessage(0, "{\"PeersChangedPatch\":[{\"NodeId\":3}]}".getBytes(US_ASCII), 10);
        probe.onMessage(0, "{\"PeersChanged\":[{\"Key\":\"nodekey:abcd\"}]}".getBytes(US_ASCII), 20);
        probe.onMessage(0, "{\"PeersChanged\":[{\"Key\":\"nodekey:abcd\"}]}".getBytes(US_ASCII), 30);
        probe.onMessage(2, "{\"Key\":\"nodekey:abcd\"}".getBytes(US_ASCII), 40); // a joiner: not watched
        assertThat(probe.await(Duration.ofMillis(10))).isFalse();
        probe.onMessage(1, "{\"Key\":\"nodekey:abcdef\"}".getBytes(US_ASCII), 50); // another key
        probe.onMessage(1, "{\"Key\":\"nodekey:abcd\"}".getBytes(US_ASCII), 60);
        assertThat(probe.await(Duration.ofSeconds(1))).isTrue();
        assertThat(probe.finish()).containsExactly(20, 60);
        assertThat(probe.messages.sum()).isEqualTo(6);
    }

    @Test
    void findsAPatternAnywhere() {
        byte[] hay = "xxabcabd".getBytes(US_ASCII);
        assertThat(JoinProbe.indexOf(hay, "abd".getBytes(US_ASCII))).isEqualTo(5);
        assertThat(JoinProbe.indexOf(hay, "abe".getBytes(US_ASCII))).isEqualTo(-1);
        assertThat(JoinProbe.indexOf("ab".getBytes(US_ASCII), "abc".getBytes(US_ASCII))).isEqualTo(-1);
    }
}
