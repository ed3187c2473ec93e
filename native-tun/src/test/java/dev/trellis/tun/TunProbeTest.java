package dev.trellis.tun;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Choosing a provider per OS, and the reason kept when there is none. */
class TunProbeTest {

    /** A provider that only reports; opening is not what these tests are about. */
    private record ReportingProvider(String platform, Optional<String> cause)
            implements TunProvider {
        @Override
        public Optional<String> unavailabilityCause() {
            return cause;
        }

        @Override
        public TunDevice open(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public InterfaceConfigurator configurator() {
            throw new UnsupportedOperationException();
        }
    }

    private static final TunProvider LINUX_OK = new ReportingProvider("linux", Optional.empty());

    @Test
    void choosesTheProviderForTheRunningOs() {
        Tun.Probe p = Tun.Probe.select("Linux", List.of(
                new ReportingProvider("darwin", Optional.empty()), LINUX_OK));
        assertThat(p.provider()).isSameAs(LINUX_OK);
        assertThat(p.cause()).isNull();
    }

    @Test
    void keepsTheProvidersReason() {
        Tun.Probe p = Tun.Probe.select("Linux", List.of(
                new ReportingProvider("linux", Optional.of("no /dev/net/tun: modprobe tun"))));
        assertThat(p.provider()).isNull();
        assertThat(p.cause()).isEqualTo("no /dev/net/tun: modprobe tun");
    }

    @Test
    void aThrowingProbeStillYieldsAReason() {
        Tun.Probe p = Tun.Probe.select("Linux", List.of(new TunProvider() {
            @Override
            public String platform() {
                return "linux";
            }

            @Override
            public Optional<String> unavailabilityCause() {
                throw new IllegalStateException("boom");
            }

            @Override
            public TunDevice open(String name) {
                return null;
            }

            @Override
            public InterfaceConfigurator configurator() {
                return null;
            }
        }));
        assertThat(p.cause()).isEqualTo("probing linux TUN support failed:"
                + " java.lang.IllegalStateException: boom");
    }

    @Test
    void namesTheOsWhenNotSupported() {
        assertThat(Tun.Probe.select("Mac OS X", List.of(LINUX_OK)).cause())
                .isEqualTo("running on Mac OS X: macOS utun devices are not supported yet"
                        + " (Linux only for now)");
        assertThat(Tun.Probe.select("Windows 11", List.of(LINUX_OK)).cause())
                .isEqualTo("running on Windows 11: Windows wintun devices are not supported"
                        + " yet (Linux only for now)");
        assertThat(Tun.Probe.select("FreeBSD", List.of(LINUX_OK)).cause())
                .isEqualTo("running on 'FreeBSD': TUN devices are supported on Linux only");
    }

    @Test
    void linuxWithoutAProviderPointsAtTheServiceFile() {
        assertThat(Tun.Probe.select("Linux", List.of()).cause())
                .contains("no Linux TUN provider is on the class path")
                .contains("META-INF/services/dev.trellis.tun.TunProvider");
    }

    @Test
    void theRealProbeFindsTheLinuxProvider() {
        assertThat(Tun.Probe.platformOf(System.getProperty("os.name"))).isEqualTo("linux");
        // Whatever the verdict here, it comes from the Linux provider, not "no provider".
        assertThat(Tun.unavailabilityCause().orElse(""))
                .doesNotContain("no Linux TUN provider");
        assertThat(Tun.isAvailable()).isEqualTo(Tun.unavailabilityCause().isEmpty());
    }
}
