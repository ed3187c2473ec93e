package dev.trellis.tun.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IfreqTest {

    @Test
    void tunSetIffRequestLayout() {
        byte[] req = Ifreq.withFlags("trellis0", (short) (LinuxTun.IFF_TUN | LinuxTun.IFF_NO_PI));
        assertThat(req).hasSize(40);
        assertThat(Hex.of(req)).isEqualTo(
                "7472656c6c69733000000000000000000110" + "00".repeat(22));
        assertThat(Ifreq.unionShort(req)).isEqualTo((short) 0x1001);
    }

    @Test
    void emptyNameLetsTheKernelChoose() {
        assertThat(Ifreq.withFlags(null, (short) 1)).startsWith(new byte[16]);
        assertThat(Ifreq.withName("")).isEqualTo(new byte[40]);
    }

    @Test
    void readsTheNameBack() {
        byte[] req = Ifreq.withName("fifteen-chars-x");
        assertThat(Ifreq.name(req)).isEqualTo("fifteen-chars-x");
        assertThat(req[15]).isZero();
        req[0] = 'X';
        assertThat(Ifreq.name(req)).isEqualTo("Xifteen-chars-x");
        assertThat(Ifreq.name(new byte[40])).isEmpty();
    }

    @Test
    void unionIntIsLittleEndianAtOffset16() {
        byte[] req = Ifreq.withName("lo");
        req[16] = 0x78;
        req[17] = 0x05;
        assertThat(Ifreq.unionInt(req)).isEqualTo(1400);
    }

    @Test
    void rejectsNamesTheKernelWouldRefuse() {
        for (String bad : new String[] {"sixteen-chars-xx", ".", "..", "a/b", "a:b", "a b",
                "tab\t", "caf\u00e9"}) {
            assertThatThrownBy(() -> Ifreq.checkName(bad, true))
                    .as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("interface name");
        }
        assertThatThrownBy(() -> Ifreq.checkName("", false))
                .hasMessage("interface name is empty");
        Ifreq.checkName("trt%d", false);
        Ifreq.checkName(null, true);
    }
}
