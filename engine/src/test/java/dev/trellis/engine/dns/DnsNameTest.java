package dev.trellis.engine.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DnsNameTest {
    @Test
    void parsesAndPrintsWithTrailingDot() {
        assertThat(DnsName.parse("www.Example.com").toString()).isEqualTo("www.Example.com.");
        assertThat(DnsName.parse("www.example.com.").wireLength()).isEqualTo(17);
        assertThat(DnsName.parse(".")).isEqualTo(DnsName.ROOT);
        assertThat(DnsName.ROOT.toString()).isEqualTo(".");
    }

    @Test
    void escapesRoundTrip() {
        DnsName n = DnsName.parse("a\\.b.c\\\\d.\\000x");
        assertThat(n.labelCount()).isEqualTo(3);
        assertThat(n.labels().getFirst()).containsExactly('a', '.', 'b');
        assertThat(n.toString()).isEqualTo("a\\.b.c\\\\d.\\000x.");
        assertThat(DnsName.parse(n.toString())).isEqualTo(n);
    }

    @Test
    void comparesIgnoringAsciiCaseOnly() {
        assertThat(DnsName.parse("ALICE.ts.NET")).isEqualTo(DnsName.parse("alice.ts.net"))
                .hasSameHashCodeAs(DnsName.parse("alice.ts.net"));
        assertThat(DnsName.parse("\\200")).isNotEqualTo(DnsName.parse("\\224")); // Latin-1 À vs à
    }

    @Test
    void subdomainsFollowLabelBoundaries() {
        DnsName domain = DnsName.parse("alice.net");
        assertThat(DnsName.parse("x.ALICE.net").isSubdomainOf(domain)).isTrue();
        assertThat(DnsName.parse("alice.net").isSubdomainOf(domain)).isTrue();
        assertThat(DnsName.parse("xalice.net").isSubdomainOf(domain)).isFalse();
        assertThat(DnsName.parse("net").isSubdomainOf(domain)).isFalse();
        assertThat(DnsName.parse("a.b.alice.net").relativeTo(domain)).isEqualTo(DnsName.parse("a.b"));
        assertThat(DnsName.parse("a").append(domain)).isEqualTo(DnsName.parse("a.alice.net"));
    }

    @Test
    void refusesBadNames() {
        assertThatThrownBy(() -> DnsName.parse("a..b")).hasMessageContaining("empty label");
        assertThatThrownBy(() -> DnsName.parse("")).hasMessageContaining("empty DNS name");
        assertThatThrownBy(() -> DnsName.parse("x".repeat(64) + ".com")).hasMessageContaining("longer than 63");
        assertThat(DnsName.parse("x".repeat(63) + ".com").wireLength()).isEqualTo(69);
        String label = "x".repeat(63);
        String max = label + "." + label + "." + label + "." + "y".repeat(61); // 4*64 - 2 + 1 = 255
        assertThat(DnsName.parse(max).wireLength()).isEqualTo(255);
        assertThatThrownBy(() -> DnsName.parse(max + "y")).hasMessageContaining("longer than 255");
        assertThatThrownBy(() -> DnsName.parse("a\\25")).hasMessageContaining("escape");
        assertThatThrownBy(() -> DnsName.parse("a\\256")).hasMessageContaining("escape");
        assertThatThrownBy(() -> DnsName.parse("a\\")).hasMessageContaining("escape");
        assertThatThrownBy(() -> DnsName.parse("ü.com")).hasMessageContaining("non-ASCII");
    }
}
