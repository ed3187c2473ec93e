package dev.trellis.relay;

import dev.trellis.protocol.http.Http1Client;
import dev.trellis.protocol.http.UpgradedConnection;
import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.relay.FrameReader;
import dev.trellis.protocol.relay.RelayFrame;
import dev.trellis.protocol.relay.RelayFrames;
import dev.trellis.protocol.relay.RelayHttp;
import dev.trellis.protocol.relay.RelayProof;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/** A relay connection driven frame by frame, to misbehave on purpose. */
final class RawClient implements AutoCloseable {
    final Http1Client http;
    final UpgradedConnection conn;
    final FrameReader reader;

    RawClient(URI relay) throws IOException {
        http = Http1Client.tcp(relay, null, Duration.ofSeconds(5));
        conn = http.upgrade(RelayHttp.PATH, RelayHttp.UPGRADE_PROTOCOL, Map.of());
        conn.readTimeout(Duration.ofSeconds(20));
        reader = new FrameReader(conn.in());
    }

    /** Connects and completes the handshake as {@code key}; fails the test if refused. */
    static RawClient authenticated(URI relay, NodePrivateKey key) throws Exception {
        RawClient c = new RawClient(relay);
        RelayFrame.ServerHello hello = (RelayFrame.ServerHello) c.read();
        c.write(new RelayFrame.ClientHello(key.publicKey(),
                RelayProof.seal(key, hello.serverKey(), hello.challenge(), RelayHttp.VERSION), new byte[0]));
        RelayFrame info = c.read();
        if (!(info instanceof RelayFrame.ServerInfo i) || !i.accepted()) {
            c.close();
            throw new AssertionError("relay refused the handshake: " + info);
        }
        return c;
    }

    /** Writes raw bytes, e.g. a frame no encoder would produce. */
    void writeRaw(byte[] bytes) throws IOException {
        conn.out().write(bytes);
        conn.out().flush();
    }

    RelayFrame read() throws IOException {
        return reader.read();
    }

    void write(RelayFrame f) throws IOException {
        conn.out().write(RelayFrames.encode(f));
        conn.out().flush();
    }

    @Override
    public void close() {
        conn.close();
        http.close();
    }
}
