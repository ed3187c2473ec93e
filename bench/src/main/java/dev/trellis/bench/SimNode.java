package dev.trellis.bench;

import dev.trellis.engine.controlclient.HttpDialer;
import dev.trellis.protocol.control.CapabilityVersion;
import dev.trellis.protocol.control.ControlCodec;
import dev.trellis.protocol.control.ControlError;
import dev.trellis.protocol.control.ControlMessage;
import dev.trellis.protocol.control.Hostinfo;
import dev.trellis.protocol.control.MapRequest;
import dev.trellis.protocol.control.RegisterRequest;
import dev.trellis.protocol.control.RegisterResponse;
import dev.trellis.protocol.key.MachinePrivateKey;
import dev.trellis.protocol.key.MachinePublicKey;
import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.noise.NoiseConnection;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One simulated node: its own machine and node keys, a real control connection (HTTP upgrade and
 * Noise over loopback TCP, through the engine's {@link HttpDialer}), a pre-auth-key registration
 * and a map stream. Unlike the engine's control client it keeps no netmap: after the full map it
 * only hands each message to the {@link JoinProbe}, so that ten thousand of them fit in one JVM
 * without the generator's CPU drowning the coordinator's.
 */
final class SimNode implements AutoCloseable {
    private static final byte[] MAP_RESPONSE_START = "{\"Type\":\"MapResponse\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PEER_KEY = "\"Key\":\"nodekey:".getBytes(StandardCharsets.US_ASCII);

    private final int index;
    private final MachinePrivateKey machineKey = MachinePrivateKey.generate();
    private final NodePrivateKey nodeKey = NodePrivateKey.generate();
    private final Hostinfo hostinfo;
    private final List<String> endpoints;
    private NoiseConnection conn;
    private volatile boolean closing;

    SimNode(int index) {
        this.index = index;
        this.hostinfo = new Hostinfo("sim-" + index, "linux", "bench", "bench");
        // A real node announces where it listens; 127.0.0.x never leaves the machine.
        this.endpoints = List.of("127.0.%d.%d:41641".formatted(1 + index / 250 % 250, 1 + index % 250));
    }

    String nodeKeyText() {
        return nodeKey.publicKey().toString();
    }

    void connect(HttpDialer dialer, URI url, MachinePublicKey serverKey) throws IOException {
        conn = dialer.connect(url, machineKey, serverKey);
    }

    /** Registers with {@code authKey}; throws if the coordinator refuses. */
    void register(String authKey) throws IOException {
        send(new RegisterRequest(1, CapabilityVersion.CURRENT, nodeKey.publicKey(), null, authKey, hostinfo, null,
                false, null));
        while (true) {
            ControlMessage m = ControlCodec.decode(conn.readMessage());
            if (m instanceof RegisterResponse r && r.id() == 1) {
                if (r.error() != null || !r.machineAuthorized()) {
                    throw new IOException("node " + index + " was not registered: "
                            + (r.error() != null ? r.error() : "not authorized"));
                }
                return;
            }
            if (m instanceof ControlError e) {
                throw new IOException("node " + index + " was refused: " + e.code() + " " + e.message());
            }
        }
    }

    /**
     * Opens the map stream and reads the full map; returns its size in bytes. The full map is not
     * decoded (at 10,000 nodes it is megabytes), only checked to be a map response.
     */
    byte[] openStream() throws IOException {
        send(new MapRequest(2, CapabilityVersion.CURRENT, nodeKey.publicKey(), null, endpoints, hostinfo, true));
        byte[] full = conn.readMessage();
        if (!startsWith(full, MAP_RESPONSE_START)) {
            ControlMessage m = ControlCodec.decode(full);
            throw new IOException("node " + index + " expected its full map, got " + m);
        }
        return full;
    }

    /** Reads the stream on a virtual thread of its own, handing every message to {@code probe}. */
    void follow(JoinProbe probe, Runnable onLost) {
        Thread.ofVirtual().name("sim-" + index).start(() -> {
            try {
                while (true) {
                    byte[] m = conn.readMessage();
                    probe.onMessage(index, m, System.nanoTime());
                }
            } catch (IOException e) {
                if (!closing) {
                    onLost.run();
                }
            }
        });
    }

    /** How many peers a full map describes: the occurrences of a node key field, less the node itself. */
    static int peerCount(byte[] fullMap) {
        int count = 0;
        int from = 0;
        while (true) {
            int at = indexOf(fullMap, PEER_KEY, from);
            if (at < 0) {
                return count - 1;
            }
            count++;
            from = at + PEER_KEY.length;
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        int last = haystack.length - needle.length;
        outer:
        for (int i = from; i <= last; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        if (b.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private void send(ControlMessage m) throws IOException {
        conn.writeMessage(ControlCodec.encode(m));
    }

    @Override
    public void close() {
        closing = true;
        if (conn != null) {
            conn.close();
        }
    }
}
