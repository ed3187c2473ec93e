package dev.trellis.protocol.disco;

import dev.trellis.protocol.stun.TransactionId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trellis.protocol.key.DiscoPrivateKey;
import dev.trellis.protocol.key.NodePrivateKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiscoCodecTest {
    private static final DiscoPrivateKey ALICE = NaclBoxTest.ALICE;
    private static final DiscoPrivateKey BOB = NaclBoxTest.BOB;

    static final List<DiscoMessage> SAMPLES = List.of(
            new DiscoMessage.Ping(TransactionId.random(), NodePrivateKey.generate().publicKey()),
            new DiscoMessage.Ping(TransactionId.random(), NodePrivateKey.generate().publicKey(), 1200),
            new DiscoMessage.Pong(TransactionId.random(), address("192.0.2.7", 41641)),
            new DiscoMessage.Pong(TransactionId.random(), address("2001:db8::1", 65535)),
            new DiscoMessage.CallMeMaybe(List.of()),
            new DiscoMessage.CallMeMaybe(List.of(address("10.0.0.2", 41641), address("fe80::1", 1),
                    address("203.0.113.9", 0))));

    static InetSocketAddress address(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void magicIsTrellisAndAHerbInUtf8() {
        assertThat(new String(DiscoCodec.MAGIC, StandardCharsets.UTF_8)).isEqualTo("TR\uD83C\uDF3F");
        assertThat(DiscoCodec.HEADER_LENGTH).isEqualTo(62);
    }

    @Test
    void everyMessageRoundTripsThroughABox() throws Exception {
        NaclBox.SharedKey ab = NaclBox.SharedKey.derive(BOB.publicKey(), ALICE);
        NaclBox.SharedKey ba = NaclBox.SharedKey.derive(ALICE.publicKey(), BOB);
        for (DiscoMessage m : SAMPLES) {
            byte[] packet = DiscoCodec.encode(m, ALICE.publicKey(), ab);
            ByteBuffer buf = ByteBuffer.wrap(packet);
            assertThat(DiscoCodec.isDisco(buf)).isTrue();
            assertThat(DiscoCodec.sender(buf)).isEqualTo(ALICE.publicKey());
            assertThat(DiscoCodec.decode(buf, ba)).isEqualTo(m);
            assertThat(DiscoCodec.decode(buf, BOB)).isEqualTo(new DiscoPacket(ALICE.publicKey(), m));
            assertThat(buf.position()).isZero();
        }
    }

    @Test
    void decodeReadsFromPositionToLimitOnly() throws Exception {
        NaclBox.SharedKey ab = NaclBox.SharedKey.derive(BOB.publicKey(), ALICE);
        byte[] packet = DiscoCodec.encode(SAMPLES.get(2), ALICE.publicKey(), ab);
        ByteBuffer buf = ByteBuffer.allocate(packet.length + 20);
        buf.position(7).put(packet).flip().position(7);
        assertThat(DiscoCodec.decode(buf, BOB).message()).isEqualTo(SAMPLES.get(2));
        assertThat(buf.position()).isEqualTo(7);
    }

    @Test
    void ipv4AddressesTravelMappedAndComeBackAsIpv4() {
        byte[] p = DiscoCodec.encodePayload(SAMPLES.get(2));
        assertThat(p).hasSize(2 + 30);
        assertThat(Arrays.copyOfRange(p, 14, 32)).containsExactly(
                0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, (byte) 192, 0, 2, 7, (byte) (41641 >> 8), (byte) 41641);
    }

    @Test
    void truncatedAtEveryByteIsRefusedCleanly() throws Exception {
        NaclBox.SharedKey ab = NaclBox.SharedKey.derive(BOB.publicKey(), ALICE);
        for (DiscoMessage m : SAMPLES) {
            byte[] packet = DiscoCodec.encode(m, ALICE.publicKey(), ab);
            for (int n = 0; n < packet.length; n++) {
                ByteBuffer cut = ByteBuffer.wrap(packet, 0, n);
                assertThatThrownBy(() -> DiscoCodec.decode(cut, BOB)).isInstanceOf(DiscoException.class);
            }
        }
    }

    @Test
    void wrongMagicTamperingAndStrangersAreRefused() throws Exception {
        NaclBox.SharedKey ab = NaclBox.SharedKey.derive(BOB.publicKey(), ALICE);
        byte[] packet = DiscoCodec.encode(SAMPLES.get(0), ALICE.publicKey(), ab);
        for (int i = 0; i < packet.length; i++) {
            byte[] bad = packet.clone();
            bad[i] ^= 1;
            assertThatThrownBy(() -> DiscoCodec.decode(ByteBuffer.wrap(bad), BOB)).isInstanceOf(DiscoException.class);
        }
        byte[] wrongMagic = packet.clone();
        wrongMagic[1] = 'S';
        assertThatThrownBy(() -> DiscoCodec.decode(ByteBuffer.wrap(wrongMagic), BOB))
                .isInstanceOf(DiscoException.class).hasMessageContaining("magic");
        DiscoPrivateKey carol = DiscoPrivateKey.generate();
        assertThatThrownBy(() -> DiscoCodec.decode(ByteBuffer.wrap(packet), carol))
                .isInstanceOf(DiscoException.class).hasMessageContaining("authenticate");
        byte[] lowOrder = packet.clone();
        Arrays.fill(lowOrder, DiscoCodec.KEY_OFFSET, DiscoCodec.NONCE_OFFSET, (byte) 0);
        assertThatThrownBy(() -> DiscoCodec.decode(ByteBuffer.wrap(lowOrder), BOB))
                .isInstanceOf(DiscoException.class).hasMessageContaining("low-order");
    }

    @Test
    void malformedPayloadsAreRefusedWithAReason() {
        assertThatThrownBy(() -> DiscoCodec.decodePayload(new byte[] {1}))
                .isInstanceOf(DiscoException.class).hasMessageContaining("no type");
        assertThatThrownBy(() -> DiscoCodec.decodePayload(new byte[] {9, 0}))
                .isInstanceOf(DiscoException.class).hasMessageContaining("unknown disco message type 0x09");
        assertThatThrownBy(() -> DiscoCodec.decodePayload(new byte[2 + 43]))
                .isInstanceOf(DiscoException.class).hasMessageContaining("unknown");
        byte[] shortPing = new byte[2 + 43];
        shortPing[0] = DiscoMessage.TYPE_PING;
        assertThatThrownBy(() -> DiscoCodec.decodePayload(shortPing)).hasMessageContaining("ping body of 43");
        byte[] shortPong = new byte[2 + 29];
        shortPong[0] = DiscoMessage.TYPE_PONG;
        assertThatThrownBy(() -> DiscoCodec.decodePayload(shortPong)).hasMessageContaining("pong body of 29");
        byte[] ragged = new byte[2 + 19];
        ragged[0] = DiscoMessage.TYPE_CALL_ME_MAYBE;
        assertThatThrownBy(() -> DiscoCodec.decodePayload(ragged)).hasMessageContaining("whole number");
        byte[] oversized = new byte[2 + 18 * (DiscoCodec.MAX_ENDPOINTS + 1)];
        oversized[0] = DiscoMessage.TYPE_CALL_ME_MAYBE;
        assertThatThrownBy(() -> DiscoCodec.decodePayload(oversized)).hasMessageContaining("33 endpoints");
    }

    @Test
    void laterVersionsWithLongerBodiesStillParse() throws Exception {
        DiscoMessage.Pong pong = (DiscoMessage.Pong) SAMPLES.get(3);
        byte[] p = Arrays.copyOf(DiscoCodec.encodePayload(pong), 2 + 30 + 5);
        p[1] = 7;
        assertThat(DiscoCodec.decodePayload(p)).isEqualTo(pong);
    }

    @Test
    void sendersCannotBuildWhatReceiversWouldRefuse() {
        List<InetSocketAddress> many = new ArrayList<>();
        for (int i = 0; i <= DiscoCodec.MAX_ENDPOINTS; i++) {
            many.add(address("10.0.0.1", i));
        }
        assertThatThrownBy(() -> new DiscoMessage.CallMeMaybe(many)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DiscoMessage.Pong(TransactionId.random(), InetSocketAddress.createUnresolved("x", 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DiscoMessage.Ping(TransactionId.random(), NodePrivateKey.generate().publicKey(), -1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void wireguardAndStunDatagramsAreNeverDisco() {
        for (int type = 1; type <= 4; type++) {
            for (int length : new int[] {32, 92, 148, 1500}) {
                byte[] wg = new byte[length];
                wg[0] = (byte) type;
                Arrays.fill(wg, 4, length, (byte) 0x54);
                assertThat(DiscoCodec.isDisco(ByteBuffer.wrap(wg))).isFalse();
            }
        }
        byte[] stun = new byte[200];
        ByteBuffer.wrap(stun).putShort((short) 0x0101).putShort((short) 180).putInt(0x2112A442);
        assertThat(DiscoCodec.isDisco(ByteBuffer.wrap(stun))).isFalse();
        assertThat(DiscoCodec.isDisco(ByteBuffer.wrap(Arrays.copyOf(DiscoCodec.MAGIC, 79)))).isFalse();
        assertThat(DiscoCodec.isDisco(ByteBuffer.wrap(Arrays.copyOf(DiscoCodec.MAGIC, 80)))).isTrue();
        // The magic itself fails both other protocols' own tests.
        assertThat((int) DiscoCodec.MAGIC[0]).isNotIn(1, 2, 3, 4);
        assertThat(DiscoCodec.MAGIC[0] & 0xC0).isNotZero();
    }
}
