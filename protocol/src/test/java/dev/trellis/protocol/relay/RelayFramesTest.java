package dev.trellis.protocol.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.key.NodePublicKey;
import dev.trellis.protocol.relay.RelayFrame.ClientHello;
import dev.trellis.protocol.relay.RelayFrame.ForwardPacket;
import dev.trellis.protocol.relay.RelayFrame.Health;
import dev.trellis.protocol.relay.RelayFrame.KeepAlive;
import dev.trellis.protocol.relay.RelayFrame.PeerGone;
import dev.trellis.protocol.relay.RelayFrame.PeerPresent;
import dev.trellis.protocol.relay.RelayFrame.Ping;
import dev.trellis.protocol.relay.RelayFrame.Pong;
import dev.trellis.protocol.relay.RelayFrame.RecvPacket;
import dev.trellis.protocol.relay.RelayFrame.Restarting;
import dev.trellis.protocol.relay.RelayFrame.SendPacket;
import dev.trellis.protocol.relay.RelayFrame.ServerHello;
import dev.trellis.protocol.relay.RelayFrame.ServerInfo;
import dev.trellis.protocol.relay.RelayFrame.WatchConns;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RelayFramesTest {
    static final NodePublicKey A = NodePrivateKey.generate().publicKey();
    static final NodePublicKey B = NodePrivateKey.generate().publicKey();

    static List<RelayFrame> samples() {
        byte[] eight = {1, 2, 3, 4, 5, 6, 7, 8};
        return List.of(
                new ServerHello(A, new byte[32], 1),
                new ClientHello(A, new byte[50], new byte[0]),
                new ClientHello(B, new byte[50], new byte[32]),
                new ServerInfo(true, 512, 1_000_000, ""),
                new ServerInfo(false, 0, 0, "proof does not verify ✗"),
                new SendPacket(B, new byte[] {9, 8, 7}),
                new SendPacket(B, new byte[RelayFrame.MAX_PACKET]),
                new RecvPacket(A, new byte[0]),
                new KeepAlive(),
                new Ping(eight),
                new Pong(eight),
                new PeerGone(A, PeerGoneReason.DISCONNECTED),
                new PeerGone(B, PeerGoneReason.NEVER_HERE),
                new ForwardPacket(A, B, new byte[] {1}),
                new PeerPresent(B),
                new WatchConns(),
                new Health("relay is draining"),
                new Restarting(1000, 30_000));
    }

    @Test
    void everyFrameRoundTripsThroughTheReader() throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (RelayFrame f : samples()) {
            all.writeBytes(RelayFrames.encode(f));
        }
        FrameReader reader = new FrameReader(new ByteArrayInputStream(all.toByteArray()));
        for (RelayFrame f : samples()) {
            RelayFrame back = reader.read();
            assertThat(back).isInstanceOf(f.getClass());
            assertThat(RelayFrames.encode(back)).isEqualTo(RelayFrames.encode(f));
            assertThat(RelayFrames.payloadLength(back)).isEqualTo(RelayFrames.encode(f).length - RelayFrames.HEADER_LENGTH);
        }
        assertThat(reader.read()).isNull();
    }

    @Test
    void aFrameTruncatedAtAnyByteIsAnErrorNotAHangOrGarbage() throws IOException {
        for (RelayFrame f : samples()) {
            byte[] whole = RelayFrames.encode(f);
            // every byte of the header and fixed fields; a 64 KiB packet's body in large steps
            for (int cut = 1; cut < whole.length; cut += cut < 512 ? 1 : 4099) {
                FrameReader reader = new FrameReader(new ByteArrayInputStream(Arrays.copyOf(whole, cut)));
                assertThatThrownBy(reader::read).as("%s cut at %d", f.getClass().getSimpleName(), cut)
                        .isInstanceOf(EOFException.class);
            }
        }
    }

    @Test
    void aPayloadTooShortForItsTypeIsRefusedWithItsType() {
        for (RelayFrame f : samples()) {
            byte[] payload = RelayFrames.payload(f);
            for (int cut = 0; cut < payload.length; cut += cut < 512 ? 1 : 4099) {
                byte[] shorter = Arrays.copyOf(payload, cut);
                try {
                    RelayFrame back = RelayFrames.decode(f.type(), shorter);
                    // Only variable-length tails may be cut: the frame must then still encode.
                    assertThat(RelayFrames.encode(back)).isNotNull();
                } catch (RelayProtocolException e) {
                    assertThat(e).hasMessageContaining("type " + f.type());
                }
            }
        }
    }

    @Test
    void anOversizedLengthIsRefusedBeforeAnythingIsAllocated() {
        // 2 GiB declared, and nothing behind it: a reader that allocated first would run out of memory
        byte[] frame = ByteBuffer.allocate(5).put((byte) RelayFrames.SEND_PACKET).putInt(Integer.MAX_VALUE).array();
        assertThatThrownBy(() -> new FrameReader(new ByteArrayInputStream(frame)).read())
                .isInstanceOf(RelayProtocolException.class).hasMessageContaining("limit is " + RelayFrame.MAX_PAYLOAD);
        byte[] negative = ByteBuffer.allocate(5).put((byte) 200).putInt(-1).array();
        assertThatThrownBy(() -> new FrameReader(new ByteArrayInputStream(negative)).read())
                .isInstanceOf(RelayProtocolException.class);
        byte[] justOver = ByteBuffer.allocate(5).put((byte) 4).putInt(RelayFrame.MAX_PAYLOAD + 1).array();
        assertThatThrownBy(() -> new FrameReader(new ByteArrayInputStream(justOver)).read())
                .isInstanceOf(RelayProtocolException.class);
    }

    @Test
    void framesWithTooLargeFieldsCannotBeBuilt() {
        assertThatThrownBy(() -> new SendPacket(A, new byte[RelayFrame.MAX_PACKET + 1]))
                .hasMessageContaining("exceeds");
        assertThatThrownBy(() -> new Ping(new byte[7])).hasMessageContaining("8 bytes");
        assertThatThrownBy(() -> new ServerHello(A, new byte[31], 1)).hasMessageContaining("challenge");
    }

    @Test
    void unknownTypesAreSkippedAndCounted() throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(new byte[] {(byte) 99, 0, 0, 0, 3, 1, 2, 3});
        all.writeBytes(new byte[] {(byte) 0, 0, 0, 0, 0});
        all.writeBytes(RelayFrames.encode(new PeerPresent(A)));
        FrameReader reader = new FrameReader(new ByteArrayInputStream(all.toByteArray()));
        assertThat(reader.read()).isInstanceOf(PeerPresent.class);
        assertThat(reader.unknownSkipped()).isEqualTo(2);
        assertThat(reader.read()).isNull();
    }

    @Test
    void extraBytesFromANewerPeerAreIgnored() throws IOException {
        byte[] payload = RelayFrames.payload(new PeerGone(A, PeerGoneReason.NEVER_HERE));
        RelayFrame f = RelayFrames.decode(RelayFrames.PEER_GONE, Arrays.copyOf(payload, payload.length + 4));
        assertThat(f).isEqualTo(new PeerGone(A, PeerGoneReason.NEVER_HERE));
        assertThat(RelayFrames.decode(RelayFrames.PEER_GONE, Arrays.copyOf(payload, 32)))
                .isEqualTo(new PeerGone(A, PeerGoneReason.DISCONNECTED));
    }

    @Test
    void badTextIsRefused() {
        assertThatThrownBy(() -> RelayFrames.decode(RelayFrames.HEALTH, new byte[] {(byte) 0xC3}))
                .isInstanceOf(RelayProtocolException.class).hasMessageContaining("UTF-8");
        assertThatThrownBy(() -> RelayFrames.decode(RelayFrames.HEALTH, new byte[4000]))
                .isInstanceOf(RelayProtocolException.class).hasMessageContaining("too long");
    }

    @Test
    void randomBytesEndInAFrameOrAnIoExceptionNeverAnythingElse() {
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            byte[] junk = new byte[random.nextInt(80)];
            random.nextBytes(junk);
            if (junk.length >= 5 && random.nextBoolean()) {
                junk[0] = (byte) (1 + random.nextInt(15));
                ByteBuffer.wrap(junk, 1, 4).putInt(junk.length - 5 - random.nextInt(3));
            }
            readAll(new ByteArrayInputStream(junk));
        }
    }

    static void readAll(InputStream in) {
        FrameReader reader = new FrameReader(in);
        try {
            while (reader.read() != null) {
                // keep reading
            }
        } catch (IOException expected) {
            // EOFException or RelayProtocolException: both fine
        }
    }
}
