package dev.trellis.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NodeNamesTest {
    @Test
    void hostnamesBecomeDnsLabels() {
        assertThat(NodeNames.fromHostname("laptop")).isEqualTo("laptop");
        assertThat(NodeNames.fromHostname("Alice's MacBook Pro")).isEqualTo("alice-s-macbook-pro");
        assertThat(NodeNames.fromHostname("  --web_01.example.com--  ")).isEqualTo("web-01-example-com");
        assertThat(NodeNames.fromHostname("Jörg")).isEqualTo("j-rg");
        assertThat(NodeNames.fromHostname("")).isEqualTo("node");
        assertThat(NodeNames.fromHostname("日本")).isEqualTo("node");
        assertThat(NodeNames.fromHostname("a".repeat(300))).isEqualTo("a".repeat(63));
        assertThat(NodeNames.fromHostname("a".repeat(62) + "-b")).isEqualTo("a".repeat(62));
    }

    @Test
    void suffixesKeepNamesWithin63Characters() {
        assertThat(NodeNames.withSuffix("box", 0)).isEqualTo("box");
        assertThat(NodeNames.withSuffix("box", 12)).isEqualTo("box-12");
        assertThat(NodeNames.withSuffix("a".repeat(63), 1)).isEqualTo("a".repeat(61) + "-1");
        assertThat(NodeNames.withSuffix("a".repeat(60) + "-bc", 10)).isEqualTo("a".repeat(60) + "-10");
        assertThat(NodeNames.withSuffix("a".repeat(59) + "-bcd", 1234)).isEqualTo("a".repeat(58) + "-1234");
        String longest = NodeNames.withSuffix("a".repeat(63), Integer.MAX_VALUE);
        assertThat(longest).hasSize(63).startsWith("a".repeat(NodeNames.SHARED_PREFIX));
        NodeNames.checkLabel(longest);
    }

    @Test
    void requestedNamesAreLowercasedAndValidated() {
        assertThat(NodeNames.normalize("My-Box-2")).isEqualTo("my-box-2");
        for (String bad : new String[] {"", "-a", "a-", "a b", "a.b", "é", "a".repeat(64)}) {
            assertThatThrownBy(() -> NodeNames.normalize(bad)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> NodeNames.normalize(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
