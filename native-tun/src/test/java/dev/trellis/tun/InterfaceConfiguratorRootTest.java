package dev.trellis.tun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trellis.protocol.net.IpPrefix;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Interface configuration over rtnetlink, checked against what {@code ip -j} reports. */
@Tag("root")
class InterfaceConfiguratorRootTest extends TunRootFixture {

    private static final IpPrefix V4_ROUTE = IpPrefix.parse("198.18.78.0/24");
    private static final IpPrefix V6_ROUTE = IpPrefix.parse("fd7a:115c:a1e0:78::/64");

    @Test
    void setsMtuAddressesStateAndRoutes() throws Exception {
        TunDevice tun = openConfigured();
        String n = tun.name();
        config.addRoute(n, V4_ROUTE);
        config.addRoute(n, V6_ROUTE);

        Map<String, Object> link = IpCommand.json("addr", "show", "dev", n).getFirst();
        assertThat(link.get("ifname")).isEqualTo(n);
        assertThat(link.get("mtu")).isEqualTo((double) MTU);
        assertThat(link.get("ifindex")).isEqualTo((double) config.index(n));
        assertThat(strings(link.get("flags"))).contains("UP");
        assertThat(addresses(n)).contains("inet 198.18.77.1/30", "inet6 fd7a:115c:a1e0::1/64");
        assertThat(tun.mtu()).isEqualTo(MTU);

        assertThat(routes("-4", n)).contains("198.18.78.0/24 proto static scope link",
                "198.18.77.0/30 proto kernel scope link");
        assertThat(routes("-6", n)).contains("fd7a:115c:a1e0:78::/64 proto static scope global");

        config.removeRoute(n, V4_ROUTE);
        config.removeRoute(n, V6_ROUTE);
        assertThat(routes("-4", n)).noneMatch(r -> r.startsWith("198.18.78.0/24"));
        assertThat(routes("-6", n)).noneMatch(r -> r.startsWith("fd7a:115c:a1e0:78::/64"));

        config.removeAddress(n, V4_LOCAL, 30);
        config.removeAddress(n, V6_LOCAL, 64);
        assertThat(addresses(n)).noneMatch(a -> a.startsWith("inet 198.18.77.1")
                || a.startsWith("inet6 fd7a:115c:a1e0::1"));

        config.setUp(n, false);
        assertThat(strings(IpCommand.json("link", "show", "dev", n).getFirst().get("flags")))
                .doesNotContain("UP");
    }

    @Test
    void refusalsAreClassifiedAndExplained() throws Exception {
        TunDevice tun = openConfigured();
        String n = tun.name();

        assertThatThrownBy(() -> config.addAddress(n, V4_LOCAL, 30))
                .isInstanceOfSatisfying(InterfaceConfigException.class, e ->
                        assertThat(e.reason()).isEqualTo(InterfaceConfigException.Reason.ALREADY_EXISTS))
                .hasMessageStartingWith("netlink RTM_NEWADDR on " + n + ": File exists (EEXIST)")
                .hasMessageContaining("198.18.77.1/30 is already assigned to " + n);
        assertThatThrownBy(() -> config.removeRoute(n, V4_ROUTE))
                .isInstanceOfSatisfying(InterfaceConfigException.class, e ->
                        assertThat(e.reason()).isEqualTo(InterfaceConfigException.Reason.NOT_FOUND))
                .hasMessageStartingWith("netlink RTM_DELROUTE on " + n + ": No such process (ESRCH)");
        assertThatThrownBy(() -> config.removeAddress(n, V6_PEER, 64))
                .isInstanceOfSatisfying(InterfaceConfigException.class, e ->
                        assertThat(e.reason()).isEqualTo(InterfaceConfigException.Reason.NOT_FOUND))
                .hasMessageContaining("(EADDRNOTAVAIL)");
        assertThatThrownBy(() -> config.setMtu(n, 20))
                .isInstanceOf(InterfaceConfigException.class)
                .hasMessageStartingWith("netlink RTM_SETLINK on " + n + ": Invalid argument (EINVAL)");

        String missing = uniqueName();
        assertThatThrownBy(() -> config.index(missing))
                .isInstanceOfSatisfying(InterfaceConfigException.class, e ->
                        assertThat(e.reason()).isEqualTo(InterfaceConfigException.Reason.NOT_FOUND))
                .hasMessageStartingWith("netlink RTM_GETLINK on " + missing
                        + ": No such device (ENODEV)");
        assertThatThrownBy(() -> config.index("bad/name"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void deleteLinkRemovesTheInterfaceUnderAnOpenDevice() throws Exception {
        TunDevice tun = open();
        String n = tun.name();
        assertThat(IpCommand.linkExists(n)).isTrue();

        config.deleteLink(n);

        assertThat(IpCommand.linkExists(n)).isFalse();
        assertThatThrownBy(() -> tun.write(java.nio.ByteBuffer.wrap(Packets.udp4(
                V4_PEER.getAddress(), V4_LOCAL.getAddress(), 1, 2, new byte[1]))))
                .hasMessageContaining("File descriptor in bad state (EBADFD)")
                .hasMessageContaining("the interface was deleted");
        tun.close();
    }

    /** "inet 198.18.77.1/30"-style entries of {@code ip -j addr show dev NAME}. */
    private static List<String> addresses(String n) throws Exception {
        return maps(IpCommand.json("addr", "show", "dev", n).getFirst().get("addr_info"))
                .stream()
                .map(a -> a.get("family") + " " + a.get("local") + "/"
                        + ((Double) a.get("prefixlen")).intValue())
                .toList();
    }

    /** "DST proto PROTOCOL scope SCOPE" for each route through {@code n}. */
    private static List<String> routes(String family, String n) throws Exception {
        return IpCommand.json(family, "route", "show", "dev", n).stream()
                .map(r -> r.get("dst") + " proto " + r.get("protocol") + " scope "
                        + r.getOrDefault("scope", "global"))
                .toList();
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object o) {
        return (List<String>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> maps(Object o) {
        return (List<Map<String, Object>>) o;
    }
}
