package dev.trellis.engine.uapi;

import dev.trellis.protocol.net.IpLiterals;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.engine.wg.DeviceStatus;
import dev.trellis.engine.wg.PeerStatus;
import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.key.NodePublicKey;
import dev.trellis.protocol.key.PresharedKey;
import dev.trellis.protocol.net.IpPrefix;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Expected texts are wireguard-go's (v0.0.20220316) replies to the same configuration. */
class UapiCodecGetTest {
    static final String PRIV = UapiCodecSetTest.PRIV;
    static final String PUB1 = UapiCodecSetTest.PUB1;
    static final String PUB2 = UapiCodecSetTest.PUB2;
    static final String PSK = UapiCodecSetTest.PSK;

    static String get(DeviceStatus s) throws Exception {
        StringBuilder sb = new StringBuilder();
        UapiCodec.writeGet(s, sb);
        return sb.toString();
    }

    @Test
    void fullDeviceInWireguardGoOrder() throws Exception {
        PeerStatus full = new PeerStatus(NodePublicKey.fromHex(PUB1), PresharedKey.fromHex(PSK),
                Optional.of(new InetSocketAddress(InetAddress.getByAddress(new byte[] {(byte) 198, 18, 0, 2}), 51820)),
                25,
                List.of(IpPrefix.parse("100.64.0.2/32"),
                        new IpPrefix(IpLiterals.parseAddress("fd7a:115c:a1e0::2"), 128)),
                Optional.of(Instant.ofEpochSecond(1_700_000_000L, 123_456_789)), 2_000, 1_000);
        PeerStatus bare = new PeerStatus(NodePublicKey.fromHex(PUB2), PresharedKey.NONE, Optional.empty(), 0,
                List.of(), Optional.empty(), 0, 0);
        DeviceStatus status = new DeviceStatus(Optional.of(NodePrivateKey.fromHex(PRIV)), 51999, 0x1234,
                List.of(full, bare));

        assertThat(get(status)).isEqualTo("""
                private_key=%s
                listen_port=51999
                fwmark=4660
                public_key=%s
                preshared_key=%s
                protocol_version=1
                endpoint=198.18.0.2:51820
                last_handshake_time_sec=1700000000
                last_handshake_time_nsec=123456789
                tx_bytes=1000
                rx_bytes=2000
                persistent_keepalive_interval=25
                allowed_ip=100.64.0.2/32
                allowed_ip=fd7a:115c:a1e0::2/128
                public_key=%s
                preshared_key=0000000000000000000000000000000000000000000000000000000000000000
                protocol_version=1
                last_handshake_time_sec=0
                last_handshake_time_nsec=0
                tx_bytes=0
                rx_bytes=0
                persistent_keepalive_interval=0
                """.formatted(PRIV, PUB1, PSK, PUB2));
    }

    @Test
    void unsetDeviceFieldsAreLeftOut() throws Exception {
        assertThat(get(new DeviceStatus(Optional.empty(), 0, 0, List.of()))).isEmpty();
        assertThat(get(new DeviceStatus(Optional.of(NodePrivateKey.fromBytes(new byte[32])), 0, 0, List.of())))
                .isEmpty();
    }

    @Test
    void unsignedValuesPrintUnsigned() throws Exception {
        PeerStatus p = new PeerStatus(NodePublicKey.fromHex(PUB1), PresharedKey.NONE, Optional.empty(), 65535,
                List.of(), Optional.empty(), -1, Long.MIN_VALUE);
        assertThat(get(new DeviceStatus(Optional.empty(), 65535, -1, List.of(p))))
                .startsWith("listen_port=65535\nfwmark=4294967295\n")
                .contains("\ntx_bytes=9223372036854775808\nrx_bytes=18446744073709551615\n")
                .contains("persistent_keepalive_interval=65535\n");
    }

    @Test
    void ipv6IsPrintedCompressedAsGoDoes() throws Exception {
        byte[] scopedRaw = IpLiterals.parseAddress("fe80::1");
        InetSocketAddress scoped = new InetSocketAddress(Inet6Address.getByAddress(null, scopedRaw, 3), 7);
        PeerStatus p = new PeerStatus(NodePublicKey.fromHex(PUB1), PresharedKey.NONE, Optional.of(scoped), 0,
                List.of(IpPrefix.parse("fd7a:115c:a1e0:0:0:0:0:2/128"), IpPrefix.parse("2001:db8:0:0:1:0:0:1/128"),
                        new IpPrefix(IpLiterals.parseAddress("::ffff:1.2.3.4"), 128), new IpPrefix(new byte[16], 0),
                        IpPrefix.parse("10.1.2.3/8")),
                Optional.empty(), 0, 0);
        assertThat(get(new DeviceStatus(Optional.empty(), 0, 0, List.of(p))))
                .contains("endpoint=[fe80::1]:7\n") // as wireguard-go: the zone is not printed
                .endsWith("""
                        allowed_ip=fd7a:115c:a1e0::2/128
                        allowed_ip=2001:db8::1:0:0:1/128
                        allowed_ip=::ffff:1.2.3.4/128
                        allowed_ip=::/0
                        allowed_ip=10.0.0.0/8
                        """);
    }

    @Test
    void errnoIsSentNegatedAsWgExpects() throws Exception {
        StringBuilder sb = new StringBuilder();
        UapiCodec.writeErrno(0, sb);
        UapiCodec.writeErrno(22, sb);
        assertThat(sb).hasToString("errno=0\n\nerrno=-22\n\n");
    }
}
