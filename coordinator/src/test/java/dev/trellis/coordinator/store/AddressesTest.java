package dev.trellis.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AddressesTest {
    @Test
    void reservedAddressesAreSkipped() {
        assertThat(Addresses.usableAtOrAfter(Addresses.FIRST)).isEqualTo(Addresses.index(100, 64, 0, 1));
        assertThat(Addresses.isUsable(Addresses.index(100, 100, 100, 100))).isFalse();
        assertThat(Addresses.usableAtOrAfter(Addresses.index(100, 100, 100, 7)))
                .isEqualTo(Addresses.index(100, 100, 101, 0));
        assertThat(Addresses.usableAtOrAfter(Addresses.index(100, 115, 92, 0)))
                .isEqualTo(Addresses.index(100, 115, 94, 0));
        assertThat(Addresses.usableAtOrAfter(Addresses.index(100, 127, 254, 255)))
                .isEqualTo(Addresses.index(100, 127, 254, 255));
        assertThat(Addresses.usableAtOrAfter(Addresses.index(100, 127, 255, 0))).isEqualTo(-1);
        assertThat(Addresses.USABLE).isEqualTo((1L << 22) - 1 - 256 - 512 - 256);
    }

    @Test
    void ipv4AndIpv6Pair() {
        long index = Addresses.index(100, 101, 2, 3);
        assertThat(Addresses.ipv4(index).getHostAddress()).isEqualTo("100.101.2.3");
        assertThat(Addresses.ipv6Text(index)).isEqualTo("fd7a:115c:a1e0::6465:203");
        assertThat(Addresses.ipv6(index).getHostAddress()).isEqualTo("fd7a:115c:a1e0:0:0:0:6465:203");
        assertThat(Addresses.ipv6Text(Addresses.index(100, 64, 0, 0))).isEqualTo("fd7a:115c:a1e0::6440:0");
    }
}
