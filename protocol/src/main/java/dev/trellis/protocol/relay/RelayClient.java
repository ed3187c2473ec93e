package dev.trellis.protocol.relay;

import dev.trellis.protocol.http.Http1Client;
import dev.trellis.protocol.http.UpgradedConnection;
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
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.security.InvalidKeyException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One connection to a relay, authenticated as a node key. {@link #connect} upgrades an HTTP(S)
 * connection, proves the key ({@link RelayProof}) and starts a reader thread that reports to a
 * {@link RelayListener}; sends go through a bounded queue and are dropped (counted) rather than
 * block. It does not reconnect: when {@link RelayListener#onClosed} comes, the owner decides.
 */
public final class RelayClient implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RelayClient.class.getName());

    private final UpgradedConnection conn;
    private final Http1Client http;
    private final NodePublicKey nodeKey;
    private final NodePublicKey serverKey;
    private final ServerInfo info;
    private final FrameSender sender;
    private final FrameReader reader;
    private final RelayListener listener;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread readerThread;

    private RelayClient(Http1Client http, UpgradedConnection conn, FrameReader reader, NodePublicKey nodeKey,
            NodePublicKey serverKey, ServerInfo info, RelayClientOptions options, RelayListener listener) {
        this.http = http;
        this.conn = conn;
        this.reader = reader;
        this.nodeKey = nodeKey;
        this.serverKey = serverKey;
        this.info = info;
        this.listener = listener;
        this.sender = new FrameSender("trellis-relay-client-write " + nodeKey.shortString(), conn.out(),
                options.queueFrames(), options.queueBytes(), options.keepAlive(), e -> fail(e));
        this.readerThread = Thread.ofVirtual().name("trellis-relay-client-read " + nodeKey.shortString())
                .start(this::readLoop);
    }

    /**
     * Connects to the relay at {@code relayUrl} ({@code http(s)://host:port}, optionally with the
     * path {@code /relay}) as {@code key}.
     *
     * @throws RelayProtocolException if the relay refuses us or breaks the protocol
     * @throws IOException            if the connection fails
     */
    public static RelayClient connect(URI relayUrl, NodePrivateKey key, RelayClientOptions options, RelayListener listener)
            throws IOException {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(listener, "listener");
        Http1Client http = Http1Client.tcp(baseUrl(relayUrl), options.tls(), options.connectTimeout());
        UpgradedConnection conn = null;
        try {
            conn = http.upgrade(RelayHttp.PATH, RelayHttp.UPGRADE_PROTOCOL, Map.of());
            conn.readTimeout(options.connectTimeout());
            FrameReader reader = new FrameReader(conn.in());
            if (!(reader.read() instanceof ServerHello hello)) {
                throw new RelayProtocolException("relay did not start with ServerHello");
            }
            byte[] proof;
            try {
                proof = RelayProof.seal(key, hello.serverKey(), hello.challenge(), RelayHttp.VERSION);
            } catch (InvalidKeyException e) {
                throw new RelayProtocolException("relay's key is not usable (low-order point)");
            }
            byte[] mesh = options.meshSecretOrNull() == null ? new byte[0]
                    : RelayProof.meshProof(options.meshSecretOrNull(), hello.challenge(), hello.serverKey(), key.publicKey());
            OutputStream out = conn.out();
            out.write(RelayFrames.encode(new ClientHello(key.publicKey(), proof, mesh)));
            out.flush();
            RelayFrame answer = reader.read();
            if (!(answer instanceof ServerInfo info)) {
                throw new RelayProtocolException(answer == null ? "relay closed the connection during the handshake"
                        : "relay answered the hello with a frame of type " + answer.type());
            }
            if (!info.accepted()) {
                throw new RelayProtocolException("relay refused us: " + info.message());
            }
            conn.readTimeout(options.readTimeout());
            return new RelayClient(http, conn, reader, key.publicKey(), hello.serverKey(), info, options, listener);
        } catch (IOException | RuntimeException e) {
            if (conn != null) {
                conn.close();
            }
            http.close();
            throw e;
        }
    }

    static URI baseUrl(URI url) {
        Objects.requireNonNull(url, "relayUrl");
        String path = url.getRawPath();
        if (path != null && !path.isEmpty() && !path.equals("/") && !path.equals(RelayHttp.PATH)) {
            throw new IllegalArgumentException("relay URL must be scheme://host[:port] or end in " + RelayHttp.PATH + ", got " + url);
        }
        try {
            return new URI(url.getScheme(), url.getRawAuthority(), null, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("bad relay URL " + url + ": " + e.getMessage(), e);
        }
    }

    /** The relay's public key, as it proved it in its hello. */
    public NodePublicKey serverKey() {
        return serverKey;
    }

    /** Our own key. */
    public NodePublicKey nodeKey() {
        return nodeKey;
    }

    /** What the relay granted us. */
    public ServerInfo serverInfo() {
        return info;
    }

    /**
     * Queues {@code packet} (its remaining bytes, consumed) for the node holding {@code dst};
     * false if dropped because the queue is full or the client is closed.
     */
    public boolean send(NodePublicKey dst, ByteBuffer packet) {
        byte[] bytes = new byte[packet.remaining()];
        packet.get(bytes);
        return sender.offer(new SendPacket(dst, bytes));
    }

    /** Mesh only: asks the relay to deliver a packet from {@code src} (attached to us) to its local {@code dst}. */
    public boolean forward(NodePublicKey src, NodePublicKey dst, byte[] packet) {
        return sender.offer(new ForwardPacket(src, dst, packet));
    }

    /** Mesh only: asks for PeerPresent of every attached key now, and Present/Gone as they change. */
    public boolean watchConns() {
        return sender.offer(new WatchConns());
    }

    /** Sends a Ping; the relay's Pong is not reported (it only proves liveness). */
    public boolean ping(byte[] data) {
        return sender.offer(new Ping(data.clone()));
    }

    /** Frames dropped because the outbound queue was full. */
    public long drops() {
        return sender.dropped();
    }

    /** Frames of unknown type the relay sent and we skipped. */
    public long unknownFramesSkipped() {
        return reader.unknownSkipped();
    }

    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            shutDown();
            listener.onClosed(null);
        }
    }

    private void fail(Throwable cause) {
        if (closed.compareAndSet(false, true)) {
            shutDown();
            listener.onClosed(cause);
        }
    }

    private void shutDown() {
        sender.close();
        conn.close();
        http.close();
    }

    private void readLoop() {
        try {
            while (!closed.get()) {
                RelayFrame f = reader.read();
                if (f == null) {
                    fail(new IOException("relay closed the connection"));
                    return;
                }
                dispatch(f);
            }
        } catch (IOException | RuntimeException e) {
            fail(e);
        }
    }

    private void dispatch(RelayFrame f) throws RelayProtocolException {
        switch (f) {
            case RecvPacket p -> listener.onPacket(p.src(), p.payload());
            case PeerGone g -> listener.onPeerGone(g.key(), g.reason());
            case PeerPresent p -> listener.onPeerPresent(p.key());
            case ForwardPacket p -> listener.onForward(p.src(), p.dst(), p.payload());
            case Ping p -> sender.offer(new Pong(p.data()));
            case Health h -> listener.onHealth(h.text());
            case Restarting r -> listener.onRestarting(r.reconnectInMillis(), r.tryForMillis());
            case KeepAlive k -> { }
            case Pong p -> { }
            default -> LOG.log(System.Logger.Level.DEBUG, "ignoring relay frame of type {0}", f.type());
        }
    }
}
