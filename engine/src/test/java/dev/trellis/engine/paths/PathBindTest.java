package dev.trellis.engine.paths;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.engine.conn.Bind;
import dev.trellis.engine.conn.ChannelNetwork;
import dev.trellis.protocol.disco.DiscoCodec;
import dev.trellis.protocol.disco.DiscoMessage;
import dev.trellis.protocol.disco.NaclBox;
import dev.trellis.protocol.key.DiscoPrivateKey;
import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.key.NodePublicKey;
import dev.trellis.protocol.stun.TransactionId;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The bind's receive filter and its answers to disco, on an in-memory network and a hand-driven clock. */
class PathBindTest {
    private final ChannelNetwork net = new ChannelNetwork();
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final List<byte[]> relayed = new ArrayList<>();
    private final RelayTransport relay = new RelayTransport() {
        @Override
        public void setInbound(Inbound inbound) {}

        @Override
        public boolean send(int region, NodePublicKey dst, ByteBuffer packet) {
            byte[] b = new byte[packet.remaining()];
            packet.get(packet.position(), b);
            relayed.add(b);
            return true;
        }

        @Override
        public void setHome(int region) {}

        @Override
        public int home() {
            return 1;
        }

        @Override
        public boolean connected(int region) {
            return true;
        }

        @Override
        public void close() {}
    };
    private final DiscoPrivateKey disco = DiscoPrivateKey.generate();
    private final ChannelNetwork.ChannelBind socket = net.bind("198.18.0.1");
    private final PathBind bind = new PathBind(socket, relay, disco, PathTiming.DEFAULT, now::get, false);
    private final NodePrivateKey peerKey = NodePrivateKey.generate();
    private final DiscoPrivateKey peerDisco = DiscoPrivateKey.generate();
    private final InetSocketAddress peerAddr = new InetSocketAddress("198.18.0.2", 41641);
    private final ChannelNetwork.ChannelBind peerSocket = net.bind("198.18.0.2");

    @AfterEach
    void close() throws Exception {
        bind.shutdown();
        peerSocket.close();
    }

    private int receiveOnce(byte[] datagram, InetSocketAddress from, InetSocketAddress[] out) throws Exception {
        net.inject(from, socket.localAddress(), datagram);
        ByteBuffer[] bufs = {ByteBuffer.allocate(2048)};
        int[] sizes = new int[1];
        Bind.Receiver udp = bind.receivers().getFirst();
        return udp.receive(bufs, sizes, out);
    }

    private static byte[] wireGuardLike() {
        byte[] b = new byte[32];
        b[0] = 4;
        return b;
    }

    @Test
    void wireGuardFromAnUnprovenAddressIsDroppedAndCounted() throws Exception {
        bind.open(41641);
        bind.setPeers(List.of(new PeerInfo(peerKey.publicKey(), peerDisco.publicKey(), List.of(), 1, null)));
        InetSocketAddress[] from = new InetSocketAddress[1];
        receiveOnce(wireGuardLike(), new InetSocketAddress("198.18.0.99", 1234), from);
        assertThat(from[0]).isNull();
        assertThat(bind.counters().snapshot()).containsEntry("drop_unknown_source", 1L);
    }

    @Test
    void wireGuardFromAnAnnouncedAddressMapsToThePeersSyntheticEndpoint() throws Exception {
        bind.open(41641);
        bind.setPeers(List.of(new PeerInfo(peerKey.publicKey(), peerDisco.publicKey(), List.of(peerAddr), 1, null)));
        InetSocketAddress[] from = new InetSocketAddress[1];
        receiveOnce(wireGuardLike(), peerAddr, from);
        assertThat(from[0]).isEqualTo(bind.endpointFor(peerKey.publicKey()));
        assertThat(from[0].getAddress().getAddress()[0]).as("in 100::/64").isEqualTo((byte) 1);
    }

    @Test
    void garbageAndForgedDiscoAreCountedNeverThrown() throws Exception {
        bind.open(41641);
        bind.setPeers(List.of(new PeerInfo(peerKey.publicKey(), peerDisco.publicKey(), List.of(peerAddr), 1, null)));
        Random r = new Random(5);
        InetSocketAddress[] from = new InetSocketAddress[1];
        for (int i = 0; i < 2000; i++) {
            byte[] junk = new byte[r.nextInt(200)];
            r.nextBytes(junk);
            if (i % 2 == 0 && junk.length > DiscoCodec.MIN_PACKET_LENGTH) {
                System.arraycopy(DiscoCodec.MAGIC, 0, junk, 0, DiscoCodec.MAGIC.length);
            }
            receiveOnce(junk, peerAddr, from);
            assertThat(from[0]).isNull();
        }
        // a well-formed ping sealed with the wrong key
        NaclBox.SharedKey wrong = NaclBox.SharedKey.derive(disco.publicKey(), DiscoPrivateKey.generate());
        byte[] forged = DiscoCodec.encode(new DiscoMessage.Ping(TransactionId.random(), peerKey.publicKey()),
                peerDisco.publicKey(), wrong);
        receiveOnce(forged, peerAddr, from);
        assertThat(bind.counters().snapshot().get("disco_bad")).isPositive();
        assertThat(bind.counters().snapshot().get("disco_sent")).as("nothing answered").isZero();
    }

    @Test
    void aPingIsAnsweredWithAPongToItsSourceAndProvesTheAddress() throws Exception {
        bind.open(41641);
        peerSocket.open(41641);
        bind.setSelf(NodePrivateKey.generate().publicKey());
        bind.setPeers(List.of(new PeerInfo(peerKey.publicKey(), peerDisco.publicKey(), List.of(), 1, null)));
        NaclBox.SharedKey box = NaclBox.SharedKey.derive(disco.publicKey(), peerDisco);
        TransactionId tx = TransactionId.random();
        byte[] ping = DiscoCodec.encode(new DiscoMessage.Ping(tx, peerKey.publicKey()), peerDisco.publicKey(), box);
        InetSocketAddress[] from = new InetSocketAddress[1];
        receiveOnce(ping, peerAddr, from);
        ByteBuffer got = ByteBuffer.allocate(2048);
        peerSocket.receive(got);
        got.flip();
        DiscoMessage answer = DiscoCodec.decode(got, box);
        assertThat(answer).isEqualTo(new DiscoMessage.Pong(tx, peerAddr));
        receiveOnce(wireGuardLike(), peerAddr, from);
        assertThat(from[0]).as("proven by the ping").isEqualTo(bind.endpointFor(peerKey.publicKey()));
    }

    @Test
    void relayedPacketsFromStrangersAreDroppedAndTheQueueIsBounded() throws Exception {
        bind.open(41641);
        bind.setPeers(List.of(new PeerInfo(peerKey.publicKey(), peerDisco.publicKey(), List.of(), 1, null)));
        bind.onRelayPacket(1, NodePrivateKey.generate().publicKey(), wireGuardLike());
        assertThat(bind.counters().snapshot()).containsEntry("drop_unknown_relay_source", 1L);
        for (int i = 0; i < 5000; i++) {
            bind.onRelayPacket(1, peerKey.publicKey(), wireGuardLike());
        }
        assertThat(bind.counters().snapshot().get("drop_relay_queue_full")).isEqualTo(5000L - 1024);
    }

    @Test
    void aFirstPacketGoesThroughTheRelayAndStartsDiscovery() throws Exception {
        bind.open(41641);
        bind.setSelf(NodePrivateKey.generate().publicKey());
        bind.setLocalEndpoints(List.of(new InetSocketAddress("198.18.0.1", 41641)));
        bind.setPeers(List.of(new PeerInfo(peerKey.publicKey(), peerDisco.publicKey(), List.of(peerAddr), 1, null)));
        bind.send(ByteBuffer.wrap(wireGuardLike()), bind.endpointFor(peerKey.publicKey()));
        assertThat(relayed).hasSize(2); // the packet, then the call-me-maybe
        assertThat(relayed.getFirst()).isEqualTo(wireGuardLike());
        assertThat(DiscoCodec.isDisco(ByteBuffer.wrap(relayed.get(1)))).isTrue();
        assertThat(bind.status(peerKey.publicKey()).direct()).isNull();
    }
}
