package dev.trellis.engine.portmap;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DefaultGatewayTest {
    private static final String HEADER =
            "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n";

    @Test
    void theDefaultRoutesGatewayInHostByteOrder() {
        String table = HEADER
                + "eth0\t00000000\t011212C6\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
                + "eth0\t001212C6\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n";
        assertThat(DefaultGateway.parse(table)).contains(NatPmp.address(new byte[] {(byte) 198, 18, 18, 1}));
    }

    @Test
    void theLowestMetricWins() {
        String table = HEADER
                + "wlan0\t00000000\t011313C6\t0003\t0\t0\t600\t00000000\t0\t0\t0\n"
                + "eth0\t00000000\t011212C6\t0003\t0\t0\t100\t00000000\t0\t0\t0\n";
        assertThat(DefaultGateway.parse(table)).contains(NatPmp.address(new byte[] {(byte) 198, 18, 18, 1}));
    }

    @Test
    void noDefaultRouteNoDownRouteNoGarbage() {
        assertThat(DefaultGateway.parse("")).isEmpty();
        assertThat(DefaultGateway.parse(HEADER + "eth0\t001212C6\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n")).isEmpty();
        assertThat(DefaultGateway.parse(HEADER + "eth0\t00000000\t011212C6\t0002\t0\t0\t0\t00000000\t0\t0\t0\n")).isEmpty();
        assertThat(DefaultGateway.parse(HEADER + "eth0\tzz\t011212C6\t0003\n" + "short line\n")).isEmpty();
        // a point-to-point default route (no gateway) is not one to ask
        assertThat(DefaultGateway.parse(HEADER + "tun0\t00000000\t00000000\t0001\t0\t0\t0\t00000000\t0\t0\t0\n")).isEmpty();
    }
}
