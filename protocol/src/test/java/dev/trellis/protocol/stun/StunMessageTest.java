package dev.trellis.protocol.stun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Vectors from RFC 5769 §2.1–2.3 (MESSAGE-INTEGRITY is carried but not checked). */
class StunMessageTest {
    private static final HexFormat HEX = HexFormat.of();
    static final byte[] RFC5769_REQUEST = HEX.parseHex(
            "000100582112a442b7e7a701bc34d686fa87dfae802200105354554e207465737420636c69656e74"
            + "002400046e0001ff80290008932ff9b151263b36000600096576746a3a68367659202020"
            + "000800149aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a280280004e57a3bcf");
    static final byte[] RFC5769_IPV4_RESPONSE = HEX.parseHex(
            "0101003c2112a442b7e7a701bc34d686fa87dfae8022000b7465737420766563746f7220"
            + "002000080001a147e112a643000800142b91f599fd9e90c38c7489f92af9ba53f06be7d7"
            + "80280004c07d4c96");
    static final byte[] RFC5769_IPV6_RESPONSE = HEX.parseHex(
            "010100482112a442b7e7a701bc34d686fa87dfae8022000b7465737420766563746f7220"
            + "002000140002a1470113a9faa5d3f179bc25f4b5bed2b9d900080014a382954e4be67bf1"
            + "1784c97c8292c275bfe3ed4180280004c8fb0b4c");
    private static final TransactionId RFC_TX = TransactionId.of(HEX.parseHex("b7e7a701bc34d686fa87dfae"));

    static InetSocketAddress address(String ip, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }

    @Test
    void rfc5769SampleRequestParsesWithItsFingerprint() throws Exception {
        StunMessage m = StunMessage.parse(ByteBuffer.wrap(RFC5769_REQUEST));
        assertThat(m.isBindingRequest()).isTrue();
        assertThat(m.transactionId()).isEqualTo(RFC_TX);
        assertThat(m.attributes()).hasSize(6);
        assertThat(new String(m.attribute(StunMessage.ATTR_SOFTWARE).orElseThrow().value(), StandardCharsets.UTF_8))
                .isEqualTo("STUN test client");
        assertThat(m.mappedAddress()).isEmpty();
    }

    @Test
    void rfc5769SampleResponsesGiveTheirMappedAddresses() throws Exception {
        StunMessage v4 = StunMessage.parse(ByteBuffer.wrap(RFC5769_IPV4_RESPONSE));
        assertThat(v4.isBindingSuccess()).isTrue();
        assertThat(v4.mappedAddress()).contains(address("192.0.2.1", 32853));
        StunMessage v6 = StunMessage.parse(ByteBuffer.wrap(RFC5769_IPV6_RESPONSE));
        assertThat(v6.mappedAddress()).contains(address("2001:db8:1234:5678:11:2233:4455:6677", 32853));
        assertThat(StunMessage.isStun(ByteBuffer.wrap(RFC5769_IPV6_RESPONSE))).isTrue();
    }

    @Test
    void ourMessagesCarryValidFingerprintsAndRoundTrip() throws Exception {
        TransactionId id = TransactionId.random();
        byte[] request = StunMessage.bindingRequest(id, true);
        assertThat(request).hasSize(28);
        assertThat(StunMessage.bindingRequest(id, false)).hasSize(20);
        StunMessage parsed = StunMessage.parse(ByteBuffer.wrap(request));
        assertThat(parsed.isBindingRequest()).isTrue();
        assertThat(parsed.transactionId()).isEqualTo(id);
        for (String ip : new String[] {"203.0.113.9", "2001:db8::77", "::1"}) {
            byte[] response = StunMessage.bindingSuccess(id, address(ip, 3478), "trellis");
            assertThat(StunMessage.parse(ByteBuffer.wrap(response)).mappedAddress()).contains(address(ip, 3478));
            assertThat(response.length).isLessThanOrEqualTo(64);
        }
        // Same bytes as the RFC's IPv4 sample up to its MESSAGE-INTEGRITY, but for SOFTWARE's
        // padding (the RFC pads with spaces, we with zeros; §14 lets padding be anything).
        byte[] ours = StunMessage.bindingSuccess(RFC_TX, address("192.0.2.1", 32853), "test vector");
        assertThat(Arrays.copyOfRange(ours, 4, 35)).isEqualTo(Arrays.copyOfRange(RFC5769_IPV4_RESPONSE, 4, 35));
        assertThat(Arrays.copyOfRange(ours, 36, 44)).isEqualTo(Arrays.copyOfRange(RFC5769_IPV4_RESPONSE, 36, 44));
    }

    @Test
    void plainMappedAddressIsTheFallback() throws Exception {
        byte[] m = HEX.parseHex("0101000c2112a442b7e7a701bc34d686fa87dfae" + "00010008" + "0001" + "0d96" + "c0000201");
        assertThat(StunMessage.parse(ByteBuffer.wrap(m)).mappedAddress()).contains(address("192.0.2.1", 3478));
    }

    @Test
    void everyFlippedBitUnderTheFingerprintIsCaught() {
        int fingerprintType = RFC5769_IPV4_RESPONSE.length - 8;
        for (int i = 0; i < RFC5769_IPV4_RESPONSE.length; i++) {
            byte[] bad = RFC5769_IPV4_RESPONSE.clone();
            bad[i] ^= 0x04;
            if (i >= fingerprintType && i < fingerprintType + 2) {
                continue; // FINGERPRINT renumbered into an unknown attribute: nothing left to check against
            }
            assertThatThrownBy(() -> StunMessage.parse(ByteBuffer.wrap(bad))).as("byte %d", i)
                    .isInstanceOf(StunException.class);
        }
    }

    @Test
    void truncatedOrMalformedMessagesAreRefusedWithAReason() {
        for (int n = 0; n < RFC5769_IPV6_RESPONSE.length; n++) {
            ByteBuffer cut = ByteBuffer.wrap(RFC5769_IPV6_RESPONSE, 0, n);
            assertThatThrownBy(() -> StunMessage.parse(cut)).isInstanceOf(StunException.class);
        }
        byte[] overrun = HEX.parseHex("000100082112a442b7e7a701bc34d686fa87dfae" + "80220010" + "00000000");
        assertThatThrownBy(() -> StunMessage.parse(ByteBuffer.wrap(overrun))).hasMessageContaining("overruns");
        byte[] odd = HEX.parseHex("000100022112a442b7e7a701bc34d686fa87dfae0000");
        assertThatThrownBy(() -> StunMessage.parse(ByteBuffer.wrap(odd))).hasMessageContaining("multiple of 4");
        byte[] afterFp = Arrays.copyOf(RFC5769_IPV4_RESPONSE, RFC5769_IPV4_RESPONSE.length + 4);
        afterFp[3] += 4;
        assertThatThrownBy(() -> StunMessage.parse(ByteBuffer.wrap(afterFp))).isInstanceOf(StunException.class);
        byte[] badFamily = HEX.parseHex("0101000c2112a442b7e7a701bc34d686fa87dfae" + "00200008" + "0003a147e112a643");
        assertThatThrownBy(() -> StunMessage.parse(ByteBuffer.wrap(badFamily)).mappedAddress())
                .hasMessageContaining("family 3");
        byte[] shortV6 = HEX.parseHex("0101000c2112a442b7e7a701bc34d686fa87dfae" + "00200008" + "0002a147e112a643");
        assertThatThrownBy(() -> StunMessage.parse(ByteBuffer.wrap(shortV6)).mappedAddress())
                .hasMessageContaining("8 bytes for family 2");
        StringBuilder many = new StringBuilder("000101042112a442b7e7a701bc34d686fa87dfae");
        many.append("00000000".repeat(65));
        assertThatThrownBy(() -> StunMessage.parse(ByteBuffer.wrap(HEX.parseHex(many))))
                .hasMessageContaining("more than 64 attributes");
    }

    @Test
    void isStunTellsStunFromWireGuardAndDisco() {
        assertThat(StunMessage.isStun(ByteBuffer.wrap(RFC5769_REQUEST))).isTrue();
        for (int type = 1; type <= 4; type++) {
            byte[] wg = new byte[148];
            wg[0] = (byte) type;
            assertThat(StunMessage.isStun(ByteBuffer.wrap(wg))).isFalse();
        }
        byte[] disco = Arrays.copyOf(dev.trellis.protocol.disco.DiscoCodec.MAGIC, 100);
        assertThat(StunMessage.isStun(ByteBuffer.wrap(disco))).isFalse();
        byte[] topBits = RFC5769_REQUEST.clone();
        topBits[0] |= (byte) 0x80;
        assertThat(StunMessage.isStun(ByteBuffer.wrap(topBits))).isFalse();
        assertThat(StunMessage.isStun(ByteBuffer.wrap(RFC5769_REQUEST, 0, 19))).isFalse();
    }
}
