package dev.trellis.engine.wg;

import dev.trellis.engine.conn.ChannelNetwork;
import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.key.PresharedKey;
import dev.trellis.protocol.net.IpPrefix;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** Two full devices on an in-memory network and TUNs, configured as peers of each other. */
final class DevicePair implements AutoCloseable {
    final ChannelNetwork net = new ChannelNetwork();
    final NodePrivateKey keyA = NodePrivateKey.generate();
    final NodePrivateKey keyB = NodePrivateKey.generate();
    final ChannelTun tunA = new ChannelTun("a0");
    final ChannelTun tunB = new ChannelTun("b0");
    final ChannelNetwork.ChannelBind bindA = net.bind("198.18.0.1");
    final ChannelNetwork.ChannelBind bindB = net.bind("198.18.0.2");
    final Device a;
    final Device b;

    DevicePair() throws Exception {
        this(PresharedKey.NONE, PresharedKey.NONE, WgConstants.DEFAULT);
    }

    DevicePair(WgConstants constants) throws Exception {
        this(PresharedKey.NONE, PresharedKey.NONE, constants);
    }

    DevicePair(PresharedKey pskA, PresharedKey pskB) throws Exception {
        this(pskA, pskB, WgConstants.DEFAULT);
    }

    DevicePair(PresharedKey pskA, PresharedKey pskB, WgConstants constants) throws Exception {
        a = new Device("a0", tunA, bindA, Clock.systemUTC(), constants);
        b = new Device("b0", tunB, bindB, Clock.systemUTC(), constants);
        a.start();
        b.start();
        a.apply(config(keyA, keyB, pskA, bindB.localAddress(), "100.64.0.2/32", "fd7a:115c:a1e0::2/128"));
        b.apply(config(keyB, keyA, pskB, bindA.localAddress(), "100.64.0.1/32", "fd7a:115c:a1e0::1/128"));
    }

    static DeviceUpdate config(NodePrivateKey self, NodePrivateKey peer, PresharedKey psk, InetSocketAddress endpoint,
            String... allowed) {
        List<IpPrefix> ips = java.util.Arrays.stream(allowed).map(IpPrefix::parse).toList();
        return new DeviceUpdate(Optional.of(self), OptionalInt.empty(), OptionalInt.empty(), false,
                List.of(new PeerUpdate(peer.publicKey(), false, false, Optional.of(psk),
                        Optional.ofNullable(endpoint), OptionalInt.empty(), true, ips)));
    }

    @Override
    public void close() {
        a.close();
        b.close();
    }
}
