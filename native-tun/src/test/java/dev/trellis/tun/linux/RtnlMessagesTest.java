package dev.trellis.tun.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteOrder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Byte-exact rtnetlink requests. Expected bytes are little-endian, as on every architecture
 * LinuxProbe admits; each line is one struct or attribute.
 */
class RtnlMessagesTest {

    private static final byte[] V4 = {(byte) 198, 18, 77, 1};
    private static final byte[] V6 = Hex.bytes("fd7a115ca1e000000000000000000001");

    @BeforeAll
    static void littleEndianHost() {
        assertThat(ByteOrder.nativeOrder()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void getLinkByNameAsksForNoStatistics() {
        assertThat(Hex.of(RtnlMessages.getLink(1, "trellis0"))).isEqualTo(hex(
                "38000000 1200 0100 01000000 00000000", // len 56, RTM_GETLINK, REQUEST, seq 1
                "00 00 0000 00000000 00000000 00000000", // ifinfomsg: any family, no index
                "0800 1d00 08000000", // IFLA_EXT_MASK = RTEXT_FILTER_SKIP_STATS
                "0d00 0300 7472656c6c697330 00 000000")); // IFLA_IFNAME "trellis0\0" + pad
    }

    @Test
    void setMtu() {
        assertThat(Hex.of(RtnlMessages.setMtu(2, 7, 1380))).isEqualTo(hex(
                "28000000 1300 0500 02000000 00000000", // RTM_SETLINK, REQUEST|ACK
                "00 00 0000 07000000 00000000 00000000",
                "0800 0400 64050000")); // IFLA_MTU 1380
    }

    @Test
    void setUpAndDownTouchOnlyTheUpFlag() {
        assertThat(Hex.of(RtnlMessages.setUp(3, 7, true))).isEqualTo(hex(
                "20000000 1300 0500 03000000 00000000",
                "00 00 0000 07000000 01000000 01000000")); // flags IFF_UP, change IFF_UP
        assertThat(Hex.of(RtnlMessages.setUp(3, 7, false))).isEqualTo(hex(
                "20000000 1300 0500 03000000 00000000",
                "00 00 0000 07000000 00000000 01000000"));
    }

    @Test
    void deleteLink() {
        assertThat(Hex.of(RtnlMessages.deleteLink(4, 7))).isEqualTo(hex(
                "20000000 1100 0500 04000000 00000000", // RTM_DELLINK
                "00 00 0000 07000000 00000000 00000000"));
    }

    @Test
    void addIpv4AddressIsAnExclusiveCreate() {
        assertThat(Hex.of(RtnlMessages.address(true, 7, 5, V4, 30))).isEqualTo(hex(
                "28000000 1400 0506 07000000 00000000", // RTM_NEWADDR, REQUEST|ACK|EXCL|CREATE
                "02 1e 00 00 05000000", // AF_INET /30, no flags, universe, index 5
                "0800 0200 c6124d01", // IFA_LOCAL
                "0800 0100 c6124d01")); // IFA_ADDRESS
    }

    @Test
    void addIpv6AddressSkipsDad() {
        assertThat(Hex.of(RtnlMessages.address(true, 8, 5, V6, 64))).isEqualTo(hex(
                "40000000 1400 0506 08000000 00000000",
                "0a 40 02 00 05000000", // AF_INET6 /64, IFA_F_NODAD
                "1400 0200 fd7a115ca1e000000000000000000001",
                "1400 0100 fd7a115ca1e000000000000000000001"));
    }

    @Test
    void removeAddress() {
        assertThat(Hex.of(RtnlMessages.address(false, 9, 5, V4, 30))).isEqualTo(hex(
                "28000000 1500 0500 09000000 00000000", // RTM_DELADDR, REQUEST|ACK
                "02 1e 00 00 05000000",
                "0800 0200 c6124d01",
                "0800 0100 c6124d01"));
    }

    @Test
    void addIpv4RouteIsStaticWithLinkScope() {
        assertThat(Hex.of(RtnlMessages.route(true, 10, 5, new byte[] {(byte) 198, 18, 78, 0},
                24))).isEqualTo(hex(
                "2c000000 1800 0506 0a000000 00000000", // RTM_NEWROUTE, exclusive create
                "02 18 00 00 fe 04 fd 01 00000000", // /24, main, static, link, unicast
                "0800 0100 c6124e00", // RTA_DST
                "0800 0400 05000000")); // RTA_OIF
    }

    @Test
    void addIpv6RouteHasUniverseScope() {
        assertThat(Hex.of(RtnlMessages.route(true, 11, 5,
                Hex.bytes("fd7a115ca1e000780000000000000000"), 64))).isEqualTo(hex(
                "38000000 1800 0506 0b000000 00000000",
                "0a 40 00 00 fe 04 00 01 00000000",
                "1400 0100 fd7a115ca1e000780000000000000000",
                "0800 0400 05000000"));
    }

    @Test
    void removeRouteMatchesAnyProtocolAndScope() {
        assertThat(Hex.of(RtnlMessages.route(false, 12, 5, new byte[] {(byte) 198, 18, 78, 0},
                24))).isEqualTo(hex(
                "2c000000 1900 0500 0c000000 00000000", // RTM_DELROUTE, REQUEST|ACK
                "02 18 00 00 fe 00 ff 01 00000000", // RTPROT_UNSPEC, RT_SCOPE_NOWHERE
                "0800 0100 c6124e00",
                "0800 0400 05000000"));
    }

    @Test
    void defaultRouteHasNoDestinationAttribute() {
        assertThat(Hex.of(RtnlMessages.route(true, 13, 5, new byte[4], 0))).isEqualTo(hex(
                "24000000 1800 0506 0d000000 00000000",
                "02 00 00 00 fe 04 fd 01 00000000",
                "0800 0400 05000000"));
    }

    @Test
    void rejectsBadAddressesAndPrefixLengths() {
        assertThatThrownBy(() -> RtnlMessages.address(true, 1, 1, new byte[5], 8))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4 or 16");
        assertThatThrownBy(() -> RtnlMessages.address(true, 1, 1, V4, 33))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("prefix length 33 out of range for IPv4");
        assertThatThrownBy(() -> RtnlMessages.route(true, 1, 1, V6, 129))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("prefix length 129 out of range for IPv6");
        assertThatThrownBy(() -> RtnlMessages.route(true, 1, 1, V4, -1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void namesRequestTypes() {
        assertThat(RtnlMessages.typeName(RtnlMessages.RTM_NEWADDR)).isEqualTo("RTM_NEWADDR");
        assertThat(RtnlMessages.typeName(99)).isEqualTo("type 99");
    }

    private static String hex(String... parts) {
        return String.join("", parts).replace(" ", "");
    }
}
