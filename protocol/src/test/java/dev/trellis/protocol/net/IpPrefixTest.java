package dev.trellis.protocol.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IpPrefixTest {

    @Test
    void parsesMasksAndPrintsCanonically() {
        assertThat(IpPrefix.parse("100.64.1.7/10")).hasToString("100.64.0.0/10");
        assertThat(IpPrefix.parse("fd7a:115c:a1e0:0:0:0:0:2/48")).hasToString("fd7a:115c:a1e0::/48");
        assertThat(IpPrefix.parse("198.18.0.1")).hasToString("198.18.0.1/32");
        assertThat(IpPrefix.parse("::1")).hasToString("::1/128");
        assertThat(IpPrefix.parse("10.0.0.0/8")).isEqualTo(IpPrefix.parse("10.1.2.3/8"));
    }

    @Test
    void containsByPrefix() {
        IpPrefix p = IpPrefix.parse("100.64.0.0/10");
        assertThat(p.contains(IpPrefix.parseNumericAddress("100.127.255.255"))).isTrue();
        assertThat(p.contains(IpPrefix.parseNumericAddress("100.128.0.0"))).isFalse();
        assertThat(p.contains(IpPrefix.parseNumericAddress("::1"))).isFalse();
    }

    @Test
    void refusesNamesAndJunkWithoutAnyLookup() {
        for (String bad : new String[] {"zz:1/32", "localhost", "example.invalid/8", "1.2.3/8", "1.2.3.4/33",
                "::/129", "1.2.3.4/", "1.2.3.4/-1", "", "01.2.3.4", "fe80::1%eth0"}) {
            assertThatThrownBy(() -> IpPrefix.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
