package dev.trellis.tun.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.tun.InterfaceConfigException;
import dev.trellis.tun.InterfaceConfigException.Reason;
import dev.trellis.tun.linux.NetlinkReplies.Failure;
import org.junit.jupiter.api.Test;

/** What users read when the kernel says no: the call, the OS words and symbol, what to do. */
class FailureMessagesTest {

    @Test
    void netlinkAddressExists() {
        InterfaceConfigException e = LinuxNetlink.failure(RtnlMessages.RTM_NEWADDR, "trellis0",
                "100.64.0.1/10", new Failure(17, ""));
        assertThat(e).hasMessage("netlink RTM_NEWADDR on trellis0: File exists (EEXIST);"
                + " 100.64.0.1/10 is already assigned to trellis0");
        assertThat(e.reason()).isEqualTo(Reason.ALREADY_EXISTS);
    }

    @Test
    void netlinkCarriesTheKernelsExtendedAck() {
        InterfaceConfigException e = LinuxNetlink.failure(RtnlMessages.RTM_SETLINK, "trellis0",
                "MTU 20", new Failure(22, "mtu less than device minimum"));
        assertThat(e).hasMessage("netlink RTM_SETLINK on trellis0: Invalid argument (EINVAL)"
                + " [kernel: mtu less than device minimum]; MTU 20 is out of range for this"
                + " device (IPv6 needs at least 1280)");
        assertThat(e.reason()).isEqualTo(Reason.OTHER);
    }

    @Test
    void netlinkMissingThingsAndPrivilege() {
        assertThat(LinuxNetlink.failure(RtnlMessages.RTM_DELROUTE, "trellis0", "100.64.0.0/10",
                new Failure(3, "")))
                .hasMessage("netlink RTM_DELROUTE on trellis0: No such process (ESRCH);"
                        + " there is no route to 100.64.0.0/10 through trellis0")
                .extracting(InterfaceConfigException::reason).isEqualTo(Reason.NOT_FOUND);
        assertThat(LinuxNetlink.failure(RtnlMessages.RTM_GETLINK, "nope0", "",
                new Failure(19, "")))
                .hasMessageStartingWith("netlink RTM_GETLINK on nope0: No such device (ENODEV);")
                .extracting(InterfaceConfigException::reason).isEqualTo(Reason.NOT_FOUND);
        assertThat(LinuxNetlink.failure(RtnlMessages.RTM_NEWROUTE, "trellis0", "0.0.0.0/0",
                new Failure(1, "")))
                .hasMessageContaining("Operation not permitted (EPERM); run as root or grant"
                        + " CAP_NET_ADMIN")
                .extracting(InterfaceConfigException::reason).isEqualTo(Reason.NOT_PERMITTED);
        assertThat(LinuxNetlink.failure(RtnlMessages.RTM_NEWADDR, "trellis0", "x",
                new Failure(4000, "")))
                .hasMessage("netlink RTM_NEWADDR on trellis0: error 4000 (errno 4000)");
    }

    @Test
    void tunOpenAndAttach() {
        assertThat(TunAttach.openFailure(Errno.ENOENT)).hasMessage("open /dev/net/tun: No such"
                + " file or directory (ENOENT); the TUN driver is missing: load it with"
                + " 'modprobe tun' (in a container, pass the device in, e.g."
                + " --device /dev/net/tun)");
        assertThat(TunAttach.openFailure(Errno.EACCES))
                .hasMessageContaining("Permission denied (EACCES); run as root or grant"
                        + " CAP_NET_ADMIN");
        assertThat(TunAttach.attachFailure("trellis0", Errno.EBUSY))
                .hasMessageStartingWith("TUNSETIFF trellis0: Device or resource busy (EBUSY);"
                        + " an interface of that name exists and another process has it open");
        assertThat(TunAttach.attachFailure(null, Errno.EPERM))
                .hasMessageStartingWith("TUNSETIFF (kernel-chosen name): Operation not"
                        + " permitted (EPERM); run as root");
    }

    @Test
    void errnoSymbols() {
        assertThat(Errno.describe(17)).isEqualTo("File exists (EEXIST)");
        assertThat(Errno.symbol(99)).isEqualTo("EADDRNOTAVAIL");
        assertThat(Errno.symbol(4242)).isEqualTo("errno 4242");
    }
}
