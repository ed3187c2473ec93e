package dev.trellis.engine.uapi;

import dev.trellis.protocol.net.IpLiterals;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.trellis.engine.wg.ConfigException;
import dev.trellis.engine.wg.DeviceUpdate;
import dev.trellis.engine.wg.PeerUpdate;
import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.key.NodePublicKey;
import dev.trellis.protocol.key.PresharedKey;
import dev.trellis.protocol.net.IpPrefix;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UapiCodecSetTest {
    static final String PRIV = "e84b5a6d2717c1003a13b431570353dbaca9146cf150c5f8575680feba52027a";
    static final String PUB1 = "b85996fecc9c7f1fc6d2572a76eda11d59bcd20be8e543b15ce4bd85a8e75a33";
    static final String PUB2 = "58402e695ba1772b1cc9309755f043251ea77fdcf10fbe63989ceb7e19321376";
    static final String PSK = "188515093e952f5f22e865cef3012e72f8b5f0b598ac0309d5dacce3b70fcf52";
    static final String ZERO = "0".repeat(64);

    static DeviceUpdate parse(String... lines) throws UapiParseException {
        return UapiCodec.parseSet(List.of(lines));
    }

    static UapiParseException refused(String... lines) {
        UapiParseException e = catchThrowableOfType(UapiParseException.class, () -> parse(lines));
        assertThat(e).as("parse of %s", List.of(lines)).isNotNull();
        return e;
    }

    static PeerUpdate onlyPeer(DeviceUpdate u) {
        assertThat(u.peers()).hasSize(1);
        return u.peers().getFirst();
    }

    @Test
    void everyKeyLandsInTheUpdate() throws Exception {
        DeviceUpdate u = parse(
                "private_key=" + PRIV,
                "listen_port=51820",
                "fwmark=4294967295",
                "replace_peers=true",
                "public_key=" + PUB1,
                "protocol_version=1",
                "preshared_key=" + PSK,
                "endpoint=[2001:DB8:0:0:0:0:0:1]:51821",
                "persistent_keepalive_interval=25",
                "replace_allowed_ips=true",
                "allowed_ip=100.64.0.2/32",
                "allowed_ip=fd7a:115c:a1e0::2/128",
                "public_key=" + PUB2,
                "update_only=true",
                "endpoint=198.18.0.2:51820",
                "public_key=" + PUB1,
                "remove=true");

        assertThat(u.privateKey()).contains(NodePrivateKey.fromHex(PRIV));
        assertThat(u.listenPort()).hasValue(51820);
        assertThat(u.fwmark()).hasValue(-1); // 0xffffffff, carried as the int's bits
        assertThat(u.replacePeers()).isTrue();
        PeerUpdate first = u.peers().get(0);
        assertThat(first.publicKey()).isEqualTo(NodePublicKey.fromHex(PUB1));
        assertThat(first.remove()).isFalse();
        assertThat(first.updateOnly()).isFalse();
        assertThat(first.presharedKey()).contains(PresharedKey.fromHex(PSK));
        assertThat(first.endpoint()).contains(new InetSocketAddress(IpLiterals.toInetAddress(
                IpLiterals.parseAddress("2001:db8::1")), 51821));
        assertThat(first.persistentKeepalive()).hasValue(25);
        assertThat(first.replaceAllowedIps()).isTrue();
        assertThat(first.allowedIps()).containsExactly(IpPrefix.parse("100.64.0.2/32"),
                IpPrefix.parse("fd7a:115c:a1e0::2/128"));
        // PUB2's update_only section is dropped: replace_peers left no PUB2 to update.
        assertThat(u.peers()).hasSize(2);
        assertThat(u.peers().get(1)).isEqualTo(new PeerUpdate(NodePublicKey.fromHex(PUB1), true, false,
                Optional.empty(), Optional.empty(), OptionalInt.empty(), false, List.of()));
    }

    @Test
    void emptySetIsANoOpAsInWireguardGo() throws Exception {
        assertThat(parse()).isEqualTo(new DeviceUpdate(Optional.empty(), OptionalInt.empty(), OptionalInt.empty(),
                false, List.of()));
    }

    @Test
    void privateKeyIsClampedAndZeroKeyMeansRemove() throws Exception {
        assertThat(parse("private_key=" + "ff".repeat(32)).privateKey().orElseThrow().toHex())
                .isEqualTo("f8" + "ff".repeat(30) + "7f");
        assertThat(parse("private_key=" + ZERO).privateKey().orElseThrow().isZero()).isTrue();
        assertThat(parse("private_key=" + PRIV.toUpperCase()).privateKey()).contains(NodePrivateKey.fromHex(PRIV));
    }

    @Test
    void laterDeviceLinesWinAndRepeatedPeersStayInOrder() throws Exception {
        DeviceUpdate u = parse("listen_port=1", "listen_port=0002", "public_key=" + PUB1, "allowed_ip=10.0.0.1/32",
                "public_key=" + PUB2, "public_key=" + PUB1, "allowed_ip=10.0.0.2/32");
        assertThat(u.listenPort()).hasValue(2);
        assertThat(u.peers()).extracting(p -> p.publicKey().toHex()).containsExactly(PUB1, PUB2, PUB1);
        assertThat(u.peers().get(2).allowedIps()).containsExactly(IpPrefix.parse("10.0.0.2/32"));
    }

    @Test
    void peerWithoutReplacePeersChangesOnlyWhatItSays() throws Exception {
        PeerUpdate p = onlyPeer(parse("public_key=" + PUB1, "allowed_ip=10.0.0.0/8"));
        assertThat(p).isEqualTo(new PeerUpdate(NodePublicKey.fromHex(PUB1), false, false, Optional.empty(),
                Optional.empty(), OptionalInt.empty(), false, List.of(IpPrefix.parse("10.0.0.0/8"))));
    }

    @Test
    void replaceAllowedIpsDropsThoseAddedEarlierInTheSection() throws Exception {
        PeerUpdate p = onlyPeer(parse("public_key=" + PUB1, "allowed_ip=10.0.0.1/32", "replace_allowed_ips=true",
                "allowed_ip=10.0.0.2/32"));
        assertThat(p.replaceAllowedIps()).isTrue();
        assertThat(p.allowedIps()).containsExactly(IpPrefix.parse("10.0.0.2/32"));
    }

    @Test
    void replacePeersRecreatesNamedPeersAtTheirDefaults() throws Exception {
        DeviceUpdate u = parse("replace_peers=true", "public_key=" + PUB1, "allowed_ip=10.0.0.1/32",
                "public_key=" + PUB1, "update_only=true", "persistent_keepalive_interval=5");
        assertThat(u.peers()).hasSize(2);
        PeerUpdate created = u.peers().get(0);
        assertThat(created.presharedKey()).contains(PresharedKey.NONE);
        assertThat(created.persistentKeepalive()).hasValue(0);
        assertThat(created.replaceAllowedIps()).isTrue();
        PeerUpdate update = u.peers().get(1); // updates the peer created just above: kept as written
        assertThat(update.updateOnly()).isTrue();
        assertThat(update.presharedKey()).isEmpty();
        assertThat(update.persistentKeepalive()).hasValue(5);
        assertThat(update.replaceAllowedIps()).isFalse();
    }

    @Test
    void removeIgnoresTheRestOfTheSectionButStillChecksIt() throws Exception {
        PeerUpdate p = onlyPeer(parse("public_key=" + PUB1, "allowed_ip=10.0.0.1/32", "remove=true",
                "endpoint=1.2.3.4:5"));
        assertThat(p.remove()).isTrue();
        assertThat(p.allowedIps()).isEmpty();
        assertThat(p.endpoint()).isEmpty();
        assertThat(refused("public_key=" + PUB1, "remove=true", "endpoint=nonsense").errno())
                .isEqualTo(ConfigException.EINVAL);
    }

    @Test
    void updateOnlyAndRemoveTakeOnlyTrue() throws Exception {
        assertThat(onlyPeer(parse("public_key=" + PUB1, "update_only=true")).updateOnly()).isTrue();
        for (String key : List.of("update_only", "remove", "replace_allowed_ips")) {
            assertThat(refused("public_key=" + PUB1, key + "=false").errno()).isEqualTo(ConfigException.EINVAL);
            assertThat(refused("public_key=" + PUB1, key + "=1").errno()).isEqualTo(ConfigException.EINVAL);
        }
        assertThat(refused("replace_peers=TRUE").errno()).isEqualTo(ConfigException.EINVAL);
    }

    @Test
    void endpointsAreNumericAndBracketedForIpv6() throws Exception {
        assertThat(endpoint("198.18.0.2:51820")).isEqualTo("198.18.0.2:51820");
        assertThat(endpoint("[fd7a:115c:a1e0:0:0:0:0:2]:1")).isEqualTo("[fd7a:115c:a1e0::2]:1");
        assertThat(endpoint("[::1]:00051820")).isEqualTo("[::1]:51820");
        assertThat(endpoint("1.2.3.4:0")).isEqualTo("1.2.3.4:0");
        assertThat(endpoint("[::ffff:1.2.3.4]:5")).isEqualTo("[::ffff:1.2.3.4]:5");
        InetSocketAddress mapped = onlyPeer(parse("public_key=" + PUB1, "endpoint=[::ffff:1.2.3.4]:5"))
                .endpoint().orElseThrow();
        assertThat(mapped.getAddress()).isInstanceOf(Inet6Address.class);
        assertThat(mapped.isUnresolved()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1.2.3.4]:5", "1.2.3.4", "::1:5", "[::1]", "[::1]5", "[::1]:", "1.2.3.4:65536",
        "1.2.3.4:+5", "1.2.3.4:-1", "01.2.3.4:5", "1.2.3:5", "localhost:5", "example.com:51820",
        "[fe80::1%eth0]:5", "[fe80::1%25eth0]:5", " 1.2.3.4:5", "1.2.3.4:5 ", "", ":5", "1.2.3.4:\u0665"})
    void badEndpointsAreRefused(String value) {
        assertThat(refused("public_key=" + PUB1, "endpoint=" + value).errno()).isEqualTo(ConfigException.EINVAL);
    }

    @Test
    void allowedIpsAreMaskedPrefixes() throws Exception {
        assertThat(onlyPeer(parse("public_key=" + PUB1, "allowed_ip=10.1.2.3/8", "allowed_ip=::/0",
                "allowed_ip=::ffff:1.2.3.4/128", "allowed_ip=0.0.0.0/0")).allowedIps()).containsExactly(
                IpPrefix.parse("10.0.0.0/8"), new IpPrefix(new byte[16], 0),
                new IpPrefix(IpLiterals.parseAddress("::ffff:1.2.3.4"), 128), IpPrefix.parse("0.0.0.0/0"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1", "10.0.0.1/", "10.0.0.1/33", "::/129", "10.0.0.1/08", "10.0.0.1/+8",
        "010.0.0.1/8", "fe80::1%lo/64", " 1.2.3.4/32", "1.2.3.4/32 ", "-1.2.3.4/32", "1.2.3.4/32/1",
        "/32", "1.2.3.4/-0", "host/32"})
    void badAllowedIpsAreRefused(String value) {
        assertThat(refused("public_key=" + PUB1, "allowed_ip=" + value).errno()).isEqualTo(ConfigException.EINVAL);
    }

    @Test
    void badHexKeysAreRefused() {
        String z63 = ZERO.substring(1);
        for (String bad : List.of("", z63, ZERO + "0", "g" + z63, "\u0665" + z63, " " + z63, "0x" + z63.substring(1),
                ZERO.substring(2) + "\n0", "-" + z63)) {
            for (List<String> lines : List.of(List.of("private_key=" + bad), List.of("public_key=" + bad),
                    List.of("public_key=" + PUB1, "preshared_key=" + bad))) {
                UapiParseException e = catchThrowableOfType(UapiParseException.class, () -> UapiCodec.parseSet(lines));
                assertThat(e).as("%s", lines).isNotNull();
                assertThat(e.errno()).isEqualTo(ConfigException.EINVAL);
            }
        }
    }

    @Test
    void keyMaterialIsNeverEchoedInErrors() {
        String almost = PRIV.substring(0, 63) + "x";
        assertThat(refused("private_key=" + almost).getMessage()).doesNotContain(PRIV.substring(0, 16));
        assertThat(refused("public_key=" + PUB1, "preshared_key=" + PSK + "0").getMessage())
                .doesNotContain(PSK.substring(0, 16));
        assertThat(refused(PRIV).errno()).isEqualTo(ConfigException.EPROTO);
        assertThat(refused(PRIV).getMessage()).doesNotContain(PRIV.substring(0, 16));
    }

    @ParameterizedTest
    @ValueSource(strings = {"listen_port=65536", "listen_port=-1", "listen_port=+5", "listen_port=", "listen_port= 5",
        "listen_port=5 ", "listen_port=0x10", "listen_port=\u0665", "listen_port=1_000", "fwmark=4294967296",
        "fwmark=-1", "fwmark=99999999999999999999999"})
    void badDeviceNumbersAreRefused(String line) {
        assertThat(refused(line).errno()).isEqualTo(ConfigException.EINVAL);
    }

    @Test
    void numbersAtTheirBounds() throws Exception {
        assertThat(parse("listen_port=65535").listenPort()).hasValue(65535);
        assertThat(parse("listen_port=0").listenPort()).hasValue(0);
        assertThat(parse("fwmark=0").fwmark()).hasValue(0);
        assertThat(onlyPeer(parse("public_key=" + PUB1, "persistent_keepalive_interval=65535"))
                .persistentKeepalive()).hasValue(65535);
        assertThat(refused("public_key=" + PUB1, "persistent_keepalive_interval=65536").errno())
                .isEqualTo(ConfigException.EINVAL);
    }

    @Test
    void protocolVersionMustBeOne() throws Exception {
        assertThat(onlyPeer(parse("public_key=" + PUB1, "protocol_version=1")).publicKey().toHex()).isEqualTo(PUB1);
        for (String v : List.of("2", "0", "01", "", "1 ")) {
            assertThat(refused("public_key=" + PUB1, "protocol_version=" + v).errno())
                    .isEqualTo(ConfigException.EINVAL);
        }
    }

    @Test
    void keysBelongToTheirSection() {
        // Device keys after the first public_key, and peer keys before it, are unknown there.
        for (String line : List.of("listen_port=1", "private_key=" + PRIV, "fwmark=1", "replace_peers=true")) {
            assertThat(refused("public_key=" + PUB1, line).errno()).isEqualTo(ConfigException.EINVAL);
        }
        for (String line : List.of("allowed_ip=10.0.0.1/32", "endpoint=1.2.3.4:5", "remove=true",
                "update_only=true", "preshared_key=" + PSK, "persistent_keepalive_interval=1",
                "replace_allowed_ips=true", "protocol_version=1")) {
            assertThat(refused(line).errno()).as(line).isEqualTo(ConfigException.EINVAL);
        }
    }

    @Test
    void unknownKeysAreInvalid() {
        assertThat(refused("listenport=1").errno()).isEqualTo(ConfigException.EINVAL);
        assertThat(refused("LISTEN_PORT=1").errno()).isEqualTo(ConfigException.EINVAL);
        assertThat(refused("=1").errno()).isEqualTo(ConfigException.EINVAL);
        assertThat(refused("public_key=" + PUB1, "last_handshake_time_sec=0").errno())
                .isEqualTo(ConfigException.EINVAL);
        assertThat(refused("public_key=" + PUB1, "tx_bytes=0").getMessage()).contains("unknown peer key \"tx_bytes\"");
        assertThat(refused("\u0000\u00ff\r=\u0001").getMessage()).contains("\\x00\\xff\\x0d");
    }

    @Test
    void framingErrorsAreProtocolErrorsAsInWireguardGo() {
        assertThat(refused("garbage").errno()).isEqualTo(ConfigException.EPROTO);
        assertThat(refused("listen_port=1", "", "listen_port=2").errno()).isEqualTo(ConfigException.EPROTO);
    }

    @Test
    void lineLengthIsBounded() throws Exception {
        String padded = "listen_port=" + "0".repeat(SetParser.MAX_LINE_LENGTH - "listen_port=1".length()) + "1";
        assertThat(padded).hasSize(SetParser.MAX_LINE_LENGTH);
        assertThat(parse(padded).listenPort()).hasValue(1);
        UapiParseException e = refused("0" + padded);
        assertThat(e.errno()).isEqualTo(ConfigException.EINVAL);
        assertThat(e.getMessage()).contains("longer than 4096");
        assertThat(refused("x".repeat(1 << 20)).errno()).isEqualTo(ConfigException.EINVAL);
    }

    @Test
    void lineCountIsBounded() throws Exception {
        List<String> lines = new ArrayList<>(Collections.nCopies(SetParser.MAX_LINES - 1, "fwmark=1"));
        lines.add("public_key=" + PUB1);
        assertThat(UapiCodec.parseSet(lines).peers()).hasSize(1);
        lines.add("allowed_ip=10.0.0.1/32");
        UapiParseException e = catchThrowableOfType(UapiParseException.class, () -> UapiCodec.parseSet(lines));
        assertThat(e.errno()).isEqualTo(ConfigException.EINVAL);
    }

    @Test
    void randomGarbageOnlyEverFailsWithAParseException() {
        Random random = new Random(20_25);
        int refused = 0;
        for (int i = 0; i < 20_000; i++) {
            List<String> lines = new ArrayList<>();
            int n = random.nextInt(6);
            for (int j = 0; j < n; j++) {
                lines.add(garbageLine(random));
            }
            try {
                UapiCodec.parseSet(lines);
            } catch (UapiParseException e) {
                assertThat(e.errno()).isIn(ConfigException.EINVAL, ConfigException.EPROTO);
                refused++;
            }
        }
        assertThat(refused).isPositive();
    }

    /** Random bytes, sometimes after a real key, so that value parsers get exercised too. */
    static String garbageLine(Random random) {
        String[] keys = {"private_key=", "listen_port=", "fwmark=", "replace_peers=", "public_key=", "remove=",
            "update_only=", "preshared_key=", "endpoint=", "persistent_keepalive_interval=", "replace_allowed_ips=",
            "allowed_ip=", "protocol_version=", ""};
        StringBuilder sb = new StringBuilder(keys[random.nextInt(keys.length)]);
        int len = random.nextInt(70);
        String alphabet = "0123456789abcdefABCDEF:.[]/%=-+ \u0000\u00ff\r\u0660";
        for (int i = 0; i < len; i++) {
            sb.append(random.nextBoolean() ? alphabet.charAt(random.nextInt(alphabet.length()))
                    : (char) random.nextInt(256));
        }
        return sb.toString();
    }

    private static String endpoint(String value) throws Exception {
        InetSocketAddress a = onlyPeer(parse("public_key=" + PUB1, "endpoint=" + value)).endpoint().orElseThrow();
        StringBuilder sb = new StringBuilder();
        IpLiterals.appendEndpoint(a, sb);
        return sb.toString();
    }
}
