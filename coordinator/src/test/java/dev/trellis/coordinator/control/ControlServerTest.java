package dev.trellis.coordinator.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trellis.coordinator.Coordinator;
import dev.trellis.coordinator.CoordinatorConfig;
import dev.trellis.protocol.control.CapabilityVersion;
import dev.trellis.protocol.control.ControlCodec;
import dev.trellis.protocol.control.ControlError;
import dev.trellis.protocol.control.ControlHttp;
import dev.trellis.protocol.control.ControlMessage;
import dev.trellis.protocol.control.Hostinfo;
import dev.trellis.protocol.control.MapRequest;
import dev.trellis.protocol.control.RegisterRequest;
import dev.trellis.protocol.control.RegisterResponse;
import dev.trellis.protocol.control.ServerKey;
import dev.trellis.protocol.http.Http1Client;
import dev.trellis.protocol.http.HttpResult;
import dev.trellis.protocol.http.HttpStatusException;
import dev.trellis.protocol.http.UpgradedConnection;
import dev.trellis.protocol.key.MachinePrivateKey;
import dev.trellis.protocol.key.MachinePublicKey;
import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.noise.NoiseClient;
import dev.trellis.protocol.noise.NoiseConnection;
import dev.trellis.protocol.noise.NoiseOptions;
import dev.trellis.protocol.noise.NoiseRejectedException;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control front end against hostile or broken clients: clear refusals, nothing crashes. */
class ControlServerTest {
    @TempDir
    Path dataDir;

    private Coordinator coordinator;
    private Http1Client http;
    private MachinePublicKey serverKey;

    @BeforeEach
    void start() throws Exception {
        CoordinatorConfig d = CoordinatorConfig.defaults(dataDir);
        coordinator = Coordinator.start(new CoordinatorConfig(new InetSocketAddress("127.0.0.1", 0), null, dataDir, null,
                null, null, "t", d.nodeKeyExpiry(), d.ephemeralTimeout(), d.keepAlive()));
        http = Http1Client.tcp(coordinator.serverUrl(), null, Duration.ofSeconds(5));
        HttpResult key = http.send("GET", ControlHttp.KEY_PATH + "?v=1", Map.of(), null);
        assertThat(key.status()).isEqualTo(200);
        serverKey = MachinePublicKey.parse(ControlCodec.mapper().readValue(key.body(), ServerKey.class).publicKey());
    }

    @AfterEach
    void stop() {
        http.close();
        coordinator.close();
    }

    private NoiseConnection connect(MachinePrivateKey machine, MachinePublicKey server, int version) throws IOException {
        return connect(machine, server, version, NoiseOptions.defaults());
    }

    private NoiseConnection connect(MachinePrivateKey machine, MachinePublicKey server, int version, NoiseOptions options)
            throws IOException {
        NoiseClient.Pending p = NoiseClient.start(machine, server, version);
        UpgradedConnection up = Http1Client.tcp(coordinator.serverUrl(), null, Duration.ofSeconds(5))
                .upgrade(ControlHttp.UPGRADE_PATH, ControlHttp.UPGRADE_PROTOCOL,
                        Map.of(ControlHttp.HANDSHAKE_HEADER, Base64.getEncoder().encodeToString(p.initiation())));
        return p.finish(up.in(), up.out(), options);
    }

    private static void send(NoiseConnection c, ControlMessage m) throws IOException {
        c.writeMessage(ControlCodec.encode(m));
    }

    private static ControlMessage read(NoiseConnection c) throws IOException {
        return ControlCodec.decode(c.readMessage());
    }

    private static int status(ThrowingCall call) {
        try {
            call.run();
            return 101;
        } catch (HttpStatusException e) {
            return e.status();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    interface ThrowingCall {
        void run() throws IOException;
    }

    @Test
    void brokenUpgradesAreRefusedWithAStatus() {
        assertThat(status(() -> http.upgrade(ControlHttp.UPGRADE_PATH, "websocket", Map.of()))).isEqualTo(426);
        assertThat(status(() -> http.upgrade(ControlHttp.UPGRADE_PATH, ControlHttp.UPGRADE_PROTOCOL, Map.of())))
                .isEqualTo(400);
        assertThat(status(() -> http.upgrade(ControlHttp.UPGRADE_PATH, ControlHttp.UPGRADE_PROTOCOL,
                Map.of(ControlHttp.HANDSHAKE_HEADER, "%%%not base64")))).isEqualTo(400);
        byte[] junk = new byte[101];
        new SecureRandom().nextBytes(junk);
        junk[0] = 0;
        junk[1] = 1;
        assertThat(status(() -> http.upgrade(ControlHttp.UPGRADE_PATH, ControlHttp.UPGRADE_PROTOCOL,
                Map.of(ControlHttp.HANDSHAKE_HEADER, Base64.getEncoder().encodeToString(junk))))).isEqualTo(400);
        assertThat(status(() -> http.upgrade(ControlHttp.UPGRADE_PATH, ControlHttp.UPGRADE_PROTOCOL,
                Map.of(ControlHttp.HANDSHAKE_HEADER, "A".repeat(4000))))).isEqualTo(400);
    }

    @Test
    void aHandshakeForAnotherKeyFails() {
        MachinePublicKey wrong = MachinePrivateKey.generate().publicKey();
        assertThatThrownBy(() -> connect(MachinePrivateKey.generate(), wrong, CapabilityVersion.CURRENT))
                .isInstanceOf(HttpStatusException.class).hasMessageContaining("handshake");
    }

    @Test
    void anUnsupportedVersionIsToldWhy() {
        assertThatThrownBy(() -> connect(MachinePrivateKey.generate(), serverKey, 999))
                .isInstanceOf(NoiseRejectedException.class).hasMessageContaining("upgrade Trellis");
    }

    @Test
    void malformedMessagesGetAnErrorAndTheConnectionEnds() throws Exception {
        try (NoiseConnection c = connect(MachinePrivateKey.generate(), serverKey, CapabilityVersion.CURRENT)) {
            c.writeMessage("{\"Type\":\"MapRequest\",\"Id\":\"nope\"}".getBytes(StandardCharsets.UTF_8));
            ControlMessage m = read(c);
            assertThat(m).isInstanceOfSatisfying(ControlError.class, e -> {
                assertThat(e.code()).isEqualTo(ControlError.Code.BAD_REQUEST);
                assertThat(e.message()).contains("malformed");
            });
            assertThatThrownBy(c::readMessage).isInstanceOf(EOFException.class);
        }
    }

    @Test
    void anOversizedMessageEndsTheConnectionAndOthersAreServed() throws Exception {
        // A client willing to send more than the coordinator accepts.
        NoiseOptions big = NoiseOptions.defaults().withMaxMessageBytes(ControlServer.MAX_MESSAGE_BYTES + 1024);
        try (NoiseConnection c = connect(MachinePrivateKey.generate(), serverKey, CapabilityVersion.CURRENT, big)) {
            // The coordinator refuses the length prefix and closes: the write or the read fails.
            assertThatThrownBy(() -> {
                c.writeMessage(new byte[ControlServer.MAX_MESSAGE_BYTES + 1]);
                c.readMessage();
            }).isInstanceOf(IOException.class);
        }
        try (NoiseConnection c = connect(MachinePrivateKey.generate(), serverKey, CapabilityVersion.CURRENT)) {
            send(c, new MapRequest(1, CapabilityVersion.CURRENT, NodePrivateKey.generate().publicKey(), null, List.of(),
                    null, true));
            assertThat(read(c)).isInstanceOfSatisfying(ControlError.class,
                    e -> assertThat(e.code()).isEqualTo(ControlError.Code.UNAUTHORIZED));
        }
    }

    @Test
    void aBadPreAuthKeyLeavesNothingBehind() throws Exception {
        try (NoiseConnection c = connect(MachinePrivateKey.generate(), serverKey, CapabilityVersion.CURRENT)) {
            send(c, new RegisterRequest(1, CapabilityVersion.CURRENT, NodePrivateKey.generate().publicKey(), null,
                    "trellis-auth-aaaaaaaaaaaa-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", new Hostinfo("x", "linux", null, null),
                    null, false, null));
            assertThat(read(c)).isInstanceOfSatisfying(RegisterResponse.class, r -> {
                assertThat(r.machineAuthorized()).isFalse();
                assertThat(r.error()).contains("pre-auth key refused");
            });
        }
        assertThat(coordinator.tailnet().store().listNodes()).isEmpty();
    }

    @Test
    void oneRegistrationAtATimePerConnection() throws Exception {
        try (NoiseConnection c = connect(MachinePrivateKey.generate(), serverKey, CapabilityVersion.CURRENT)) {
            NodePrivateKey k = NodePrivateKey.generate();
            send(c, new RegisterRequest(1, 1, k.publicKey(), null, null, null, null, false, null));
            RegisterResponse first = (RegisterResponse) read(c);
            assertThat(first.authUrl()).isNotNull();
            send(c, new RegisterRequest(2, 1, k.publicKey(), null, null, null, first.authUrl(), false, null));
            send(c, new RegisterRequest(3, 1, k.publicKey(), null, null, null, first.authUrl(), false, null));
            assertThat(read(c)).isInstanceOfSatisfying(ControlError.class,
                    e -> assertThat(e.message()).contains("already in progress"));
        }
    }
}
