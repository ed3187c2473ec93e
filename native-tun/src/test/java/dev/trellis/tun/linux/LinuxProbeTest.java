package dev.trellis.tun.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.tun.linux.LinuxProbe.Environment;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The reasons reported when Linux TUN support cannot work, from injected inputs. */
class LinuxProbeTest {

    private static final String ROOT_STATUS = "Name:\tjava\nCapInh:\t0000000000000000\n"
            + "CapPrm:\t000001ffffffffff\nCapEff:\t000001ffffffffff\nCapBnd:\t000001ffffffffff\n";
    private static final String USER_STATUS = "Name:\tjava\nCapEff:\t0000000000000000\n";

    @Test
    void usableWhenEverythingIsInPlace() {
        assertThat(LinuxProbe.cause(new Environment("amd64", null, true, true, ROOT_STATUS)))
                .isEmpty();
        assertThat(LinuxProbe.cause(new Environment("aarch64", null, true, true, null)))
                .as("capabilities unknown: the kernel decides").isEmpty();
    }

    @Test
    void missingDeviceSaysModprobe() {
        assertThat(LinuxProbe.cause(new Environment("amd64", null, false, false, ROOT_STATUS)))
                .hasValueSatisfying(c -> assertThat(c)
                        .startsWith("Linux TUN support is unavailable: /dev/net/tun does not exist")
                        .contains("modprobe tun").contains("--device /dev/net/tun"));
    }

    @Test
    void inaccessibleDevice() {
        assertThat(LinuxProbe.cause(new Environment("amd64", null, true, false, ROOT_STATUS)))
                .hasValueSatisfying(c -> assertThat(c)
                        .contains("/dev/net/tun is not readable and writable by this user"));
    }

    @Test
    void missingCapabilitySaysHowToGrantIt() {
        assertThat(LinuxProbe.cause(new Environment("amd64", null, true, true, USER_STATUS)))
                .hasValueSatisfying(c -> assertThat(c)
                        .contains("lacks CAP_NET_ADMIN")
                        .contains("run as root or grant CAP_NET_ADMIN"));
    }

    @Test
    void jnaFailureNamesTheRootCause() {
        Throwable t = new ExceptionInInitializerError(
                new UnsatisfiedLinkError("libjnidispatch.so: failed to map segment"));
        assertThat(LinuxProbe.cause(new Environment("amd64", t, true, true, ROOT_STATUS)))
                .hasValueSatisfying(c -> assertThat(c)
                        .contains("JNA failed to load (UnsatisfiedLinkError: libjnidispatch.so:"
                                + " failed to map segment)")
                        .contains("noexec").contains("--enable-native-access"));
    }

    @Test
    void unsupportedArchitecture() {
        assertThat(LinuxProbe.cause(new Environment("s390x", null, true, true, ROOT_STATUS)))
                .hasValueSatisfying(c -> assertThat(c)
                        .contains("CPU architecture 's390x' is not supported"));
    }

    @Test
    void reportsEveryReasonAtOnce() {
        Optional<String> cause = LinuxProbe.cause(
                new Environment("amd64", new NoClassDefFoundError("com/sun/jna/Native"), false,
                        false, USER_STATUS));
        assertThat(cause).hasValueSatisfying(c -> assertThat(c.split("; "))
                .anyMatch(s -> s.contains("JNA failed to load"))
                .anyMatch(s -> s.contains("modprobe tun"))
                .anyMatch(s -> s.contains("lacks CAP_NET_ADMIN")));
    }

    @Test
    void readsCapNetAdminFromProcStatus() {
        assertThat(LinuxProbe.hasNetAdmin(ROOT_STATUS)).contains(true);
        assertThat(LinuxProbe.hasNetAdmin(USER_STATUS)).contains(false);
        assertThat(LinuxProbe.hasNetAdmin("CapEff:\t0000000000001000\n")).contains(true);
        assertThat(LinuxProbe.hasNetAdmin("CapEff:\t0000000000000fff\n")).contains(false);
        assertThat(LinuxProbe.hasNetAdmin("Name:\tjava\n")).isEmpty();
        assertThat(LinuxProbe.hasNetAdmin("CapEff:\tzz\n")).isEmpty();
        assertThat(LinuxProbe.hasNetAdmin("CapEff:\t\n")).isEmpty();
        assertThat(LinuxProbe.hasNetAdmin("CapEff:\t00000000000000000001\n")).isEmpty();
        assertThat(LinuxProbe.hasNetAdmin(null)).isEmpty();
    }
}
