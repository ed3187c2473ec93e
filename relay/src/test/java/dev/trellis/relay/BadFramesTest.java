package dev.trellis.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.relay.RelayFrame;
import dev.trellis.protocol.relay.RelayFrames;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An authenticated client that sends garbage ends its own connection and nobody else's: a
 * malformed or oversized frame closes it (counted), an unknown type is skipped (counted), a frame
 * only a relay may send is ignored. Two well-behaved nodes keep talking throughout.
 */
class BadFramesTest {
    private static Relay relay;
    private static TestNode a;
    private static TestNode b;
    private static final AtomicInteger seq = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        relay = Relay.start(NodePrivateKey.generate(), RelayConfig.defaults(), new InetSocketAddress("127.0.0.1", 0), null);
        a = TestNode.connect(relay.url());
        b = TestNode.connect(relay.url());
    }

    @AfterAll
    static void stop() {
        a.close();
        b.close();
        relay.close();
    }

    /** Frame header with any type and declared length, for frames no encoder would write. */
    static byte[] frame(int type, int declaredLength, byte[] payload) {
        return ByteBuffer.allocate(5 + payload.length).put((byte) type).putInt(declaredLength).put(payload).array();
    }

    static byte[] frame(int type, byte[] payload) {
        return frame(type, payload.length, payload);
    }

    @Test
    void anOversizedFrameClosesOnlyThatClient() throws Exception {
        expectClosedForBadFrame(frame(RelayFrames.SEND_PACKET, Integer.MAX_VALUE, new byte[0])); // 2 GiB, never allocated
        expectClosedForBadFrame(frame(RelayFrames.SEND_PACKET, RelayFrame.MAX_PAYLOAD + 1, new byte[0]));
    }

    @Test
    void malformedFramesCloseOnlyThatClient() throws Exception {
        expectClosedForBadFrame(frame(RelayFrames.SEND_PACKET, new byte[10])); // shorter than a key
        expectClosedForBadFrame(frame(RelayFrames.PING, new byte[3])); // pings carry 8 bytes
        // fits the frame limit, but the packet in it is longer than any packet may be
        expectClosedForBadFrame(frame(RelayFrames.SEND_PACKET, new byte[32 + RelayFrame.MAX_PACKET + 1]));
        // a proof length pointing past the end
        expectClosedForBadFrame(frame(RelayFrames.CLIENT_HELLO, ByteBuffer.allocate(40).put(new byte[32])
                .putShort((short) 500).array()));
        // text that is not UTF-8
        expectClosedForBadFrame(frame(RelayFrames.SERVER_INFO, ByteBuffer.allocate(15).put((byte) 1).putInt(0)
                .putLong(0).put((byte) 0xC3).put((byte) 0x28).array()));
    }

    @Test
    void unknownTypesAreSkippedAndCounted() throws Exception {
        NodePrivateKey key = NodePrivateKey.generate();
        long before = relay.metrics().unknownFrames();
        try (RawClient c = RawClient.authenticated(relay.url(), key)) {
            c.writeRaw(frame(0, new byte[0]));
            c.writeRaw(frame(15, new byte[] {1, 2, 3}));
            c.writeRaw(frame(200, new byte[RelayFrame.MAX_PAYLOAD])); // the largest payload allowed
            c.writeRaw(frame(255, new byte[7]));
            c.write(new RelayFrame.SendPacket(b.pub(), new byte[] {42}));
            TestNode.Packet p = b.next();
            assertThat(p.src()).isEqualTo(key.publicKey());
            assertThat(p.bytes()).containsExactly(42);
            assertThat(relay.metrics().unknownFrames()).isEqualTo(before + 4);
        }
        othersStillTalk();
    }

    @Test
    void framesOnlyARelayMaySendAreIgnored() throws Exception {
        NodePrivateKey key = NodePrivateKey.generate();
        NodePrivateKey other = NodePrivateKey.generate();
        try (RawClient c = RawClient.authenticated(relay.url(), key)) {
            c.write(new RelayFrame.ServerHello(other.publicKey(), new byte[32], 1));
            c.write(new RelayFrame.ServerInfo(true, 1, 0, "hi"));
            c.write(new RelayFrame.RecvPacket(b.pub(), new byte[] {1}));
            c.write(new RelayFrame.ForwardPacket(other.publicKey(), b.pub(), new byte[] {2})); // mesh peers only
            c.write(new RelayFrame.WatchConns()); // mesh peers only
            c.write(new RelayFrame.PeerPresent(other.publicKey()));
            c.write(new RelayFrame.PeerGone(b.pub(), dev.trellis.protocol.relay.PeerGoneReason.DISCONNECTED));
            c.write(new RelayFrame.Restarting(1, 1));
            c.write(new RelayFrame.Health("fine"));
            c.write(new RelayFrame.ClientHello(other.publicKey(), new byte[48], new byte[0])); // a second hello
            c.write(new RelayFrame.Ping(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}));
            assertThat(c.read()).as("the ping answered, nothing else").isInstanceOf(RelayFrame.Pong.class);
            assertThat(relay.isAttached(key.publicKey())).isTrue();
            assertThat(relay.isAttached(other.publicKey())).as("the second hello changed nothing").isFalse();
        }
        assertThat(b.packets).as("no forged packet got through").isEmpty();
        othersStillTalk();
    }

    @Test
    void aClientThatHangsUpInsideAFrameIsDetached() throws Exception {
        NodePrivateKey key = NodePrivateKey.generate();
        long bad = relay.metrics().badFrames();
        try (RawClient c = RawClient.authenticated(relay.url(), key)) {
            c.writeRaw(frame(RelayFrames.SEND_PACKET, 100, new byte[10]));
        }
        Await.until("detached", () -> !relay.isAttached(key.publicKey()));
        assertThat(relay.metrics().badFrames()).as("a hang-up is not a bad frame").isEqualTo(bad);
        othersStillTalk();
    }

    @Test
    void manyClientsSendingRandomBytesAtOnce() throws Exception {
        Random random = new Random(7); // fixed seed: the same bytes every run
        List<byte[]> junk = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            byte[] bytes = new byte[1 + random.nextInt(2000)];
            random.nextBytes(bytes);
            junk.add(bytes);
        }
        List<RawClient> clients = new ArrayList<>();
        try {
            for (byte[] bytes : junk) {
                RawClient c = RawClient.authenticated(relay.url(), NodePrivateKey.generate());
                clients.add(c);
                try {
                    c.writeRaw(bytes);
                } catch (IOException e) {
                    // the relay may already have hung up on an earlier part of the junk
                }
            }
            othersStillTalk();
        } finally {
            clients.forEach(RawClient::close);
        }
        Await.until("only the two good nodes left", () -> relay.metrics().clients() == 2);
        othersStillTalk();
    }

    private static void expectClosedForBadFrame(byte[] bytes) throws Exception {
        NodePrivateKey key = NodePrivateKey.generate();
        long before = relay.metrics().badFrames();
        try (RawClient c = RawClient.authenticated(relay.url(), key)) {
            c.writeRaw(bytes);
            readUntilClosed(c);
        }
        Await.until("counted as a bad frame", () -> relay.metrics().badFrames() == before + 1);
        Await.until("detached", () -> !relay.isAttached(key.publicKey()));
        othersStillTalk();
    }

    /** Reads until the relay hangs up (end of stream, or a reset because we had unread bytes). */
    private static void readUntilClosed(RawClient c) {
        try {
            RelayFrame f;
            do {
                f = c.read();
            } while (f != null);
        } catch (IOException e) {
            assertThat(e).as("closed, not timed out").isNotInstanceOf(java.net.SocketTimeoutException.class);
        }
    }

    private static void othersStillTalk() throws InterruptedException {
        int n = seq.incrementAndGet();
        byte[] one = RelayTest.packet(n, 100);
        byte[] two = RelayTest.packet(n, 200);
        assertThat(a.send(b, one)).isTrue();
        assertThat(b.send(a, two)).isTrue();
        assertThat(b.next().bytes()).isEqualTo(one);
        assertThat(a.next().bytes()).isEqualTo(two);
    }
}
