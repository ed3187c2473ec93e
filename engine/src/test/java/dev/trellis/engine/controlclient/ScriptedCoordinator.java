package dev.trellis.engine.controlclient;

import dev.trellis.protocol.control.CapabilityVersion;
import dev.trellis.protocol.control.ControlCodec;
import dev.trellis.protocol.control.ControlMessage;
import dev.trellis.protocol.control.ServerKey;
import dev.trellis.protocol.key.MachinePrivateKey;
import dev.trellis.protocol.key.MachinePublicKey;
import dev.trellis.protocol.noise.NoiseClient;
import dev.trellis.protocol.noise.NoiseConnection;
import dev.trellis.protocol.noise.NoiseOptions;
import dev.trellis.protocol.noise.NoiseServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A coordinator stand-in on a loopback socket that speaks real Noise: each connection the
 * client dials is handed to the test, which reads the client's messages and scripts answers.
 */
final class ScriptedCoordinator implements Dialer, AutoCloseable {
    final MachinePrivateKey key = MachinePrivateKey.generate();
    volatile MachinePublicKey advertised = key.publicKey();
    private final ServerSocket listener;
    private final LinkedBlockingQueue<Session> sessions = new LinkedBlockingQueue<>();

    ScriptedCoordinator() throws IOException {
        listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread.ofVirtual().start(this::acceptLoop);
    }

    /** One accepted control connection, seen from the coordinator's side. */
    record Session(NoiseConnection conn, MachinePublicKey client) {
        ControlMessage read() throws IOException {
            return ControlCodec.decode(conn.readMessage());
        }

        void send(ControlMessage m) throws IOException {
            conn.writeMessage(ControlCodec.encode(m));
        }
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket s = listener.accept();
                var in = s.getInputStream();
                var out = s.getOutputStream();
                NoiseServer.Accepted a = NoiseServer.accept(key, NoiseServer.readInitiation(in), CapabilityVersion::supported);
                sessions.add(new Session(a.respond(in, out), a.peerKey()));
            } catch (IOException e) {
                // closed, or a broken handshake the test provoked
            }
        }
    }

    Session nextSession() throws InterruptedException {
        Session s = sessions.poll(5, TimeUnit.SECONDS);
        if (s == null) {
            throw new AssertionError("the client did not connect within 5 s");
        }
        return s;
    }

    @Override
    public ServerKey fetchKey(URI controlUrl) {
        return new ServerKey(advertised.toString(), 1, CapabilityVersion.CURRENT);
    }

    @Override
    public NoiseConnection connect(URI controlUrl, MachinePrivateKey machineKey, MachinePublicKey serverKey)
            throws IOException {
        Socket s = new Socket();
        s.connect(listener.getLocalSocketAddress(), (int) Duration.ofSeconds(5).toMillis());
        return NoiseClient.connect(s.getInputStream(), s.getOutputStream(), machineKey, serverKey,
                CapabilityVersion.CURRENT, NoiseOptions.defaults());
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
