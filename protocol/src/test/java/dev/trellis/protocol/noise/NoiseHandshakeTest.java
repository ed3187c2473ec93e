package dev.trellis.protocol.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trellis.protocol.crypto.X25519;
import dev.trellis.protocol.key.MachinePrivateKey;
import dev.trellis.protocol.key.MachinePublicKey;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

class NoiseHandshakeTest {
    private static final int VERSION = 7;
    private static final IntPredicate ANY_VERSION = v -> true;
    /** Curve25519 points of small order: X25519 with any of them yields zero. */
    private static final byte[][] LOW_ORDER_POINTS = {
        new byte[32],
        HexFormat.of().parseHex("0100000000000000000000000000000000000000000000000000000000000000"),
        HexFormat.of().parseHex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"),
    };

    private final MachinePrivateKey machineKey = MachinePrivateKey.generate();
    private final MachinePrivateKey serverKey = MachinePrivateKey.generate();
    private final InputStream noInput = InputStream.nullInputStream();

    @Test
    void handshakeAuthenticatesBothSidesAndAgreesOnTheHash() throws Exception {
        NoiseClient.Pending pending = NoiseClient.start(machineKey, serverKey.publicKey(), VERSION);
        byte[] initiation = pending.initiation();
        assertThat(initiation).hasSize(101);
        assertThat(Arrays.copyOf(initiation, 5)).containsExactly(0, 7, 1, 0, 96);

        NoiseServer.Accepted accepted = NoiseServer.accept(serverKey, initiation, v -> v == VERSION);
        assertThat(accepted.peerKey()).isEqualTo(machineKey.publicKey());
        assertThat(accepted.protocolVersion()).isEqualTo(VERSION);

        ByteArrayOutputStream response = new ByteArrayOutputStream();
        NoiseConnection server = accepted.respond(noInput, response);
        assertThat(response.size()).isEqualTo(51);
        assertThat(Arrays.copyOf(response.toByteArray(), 3)).containsExactly(2, 0, 48);

        NoiseConnection client = finish(pending, response.toByteArray());
        assertThat(client.peerKey()).isEqualTo(serverKey.publicKey());
        assertThat(server.peerKey()).isEqualTo(machineKey.publicKey());
        assertThat(client.protocolVersion()).isEqualTo(VERSION);
        assertThat(server.protocolVersion()).isEqualTo(VERSION);
        assertThat(client.handshakeHash()).hasSize(32).isEqualTo(server.handshakeHash());
        assertThat(client.toString()).contains("mkey(").doesNotContain(serverKey.publicKey().toHex());
    }

    @Test
    void eachHandshakeUsesFreshEphemerals() throws Exception {
        byte[] a = NoiseClient.start(machineKey, serverKey.publicKey(), VERSION).initiation();
        byte[] b = NoiseClient.start(machineKey, serverKey.publicKey(), VERSION).initiation();
        assertThat(Arrays.copyOfRange(a, 5, 37)).isNotEqualTo(Arrays.copyOfRange(b, 5, 37));
    }

    @Test
    void initiationForAnotherServerKeyIsRefusedWithoutAResponse() throws Exception {
        MachinePublicKey otherServer = MachinePrivateKey.generate().publicKey();
        byte[] initiation = NoiseClient.start(machineKey, otherServer, VERSION).initiation();
        assertThatThrownBy(() -> NoiseServer.accept(serverKey, initiation, ANY_VERSION))
                .isExactlyInstanceOf(NoiseException.class)
                .hasMessageContaining("another server key");
    }

    /** Every byte matters: the version through the prologue, e through h, the rest through AEAD. */
    @Test
    void everyTamperedInitiationByteIsRefused() throws Exception {
        byte[] initiation = NoiseClient.start(machineKey, serverKey.publicKey(), VERSION).initiation();
        NoiseServer.accept(serverKey, initiation, ANY_VERSION); // the untouched one is fine
        for (int position = 0; position < initiation.length; position++) {
            for (int mask : new int[] {0x01, 0x80, 0xFF}) {
                byte[] tampered = initiation.clone();
                tampered[position] ^= (byte) mask;
                int p = position;
                assertThatThrownBy(() -> NoiseServer.accept(serverKey, tampered, ANY_VERSION))
                        .as("byte %d ^ %02x", p, mask)
                        .isInstanceOf(NoiseException.class);
            }
        }
    }

    @Test
    void everyTamperedResponseByteIsRefused() throws Exception {
        for (int position = 0; position < 51; position++) {
            for (int mask : new int[] {0x01, 0x80, 0xFF}) {
                NoiseClient.Pending pending = NoiseClient.start(machineKey, serverKey.publicKey(), VERSION);
                ByteArrayOutputStream response = new ByteArrayOutputStream();
                NoiseServer.accept(serverKey, pending.initiation(), ANY_VERSION).respond(noInput, response);
                byte[] tampered = response.toByteArray();
                tampered[position] ^= (byte) mask;
                int p = position;
                assertThatThrownBy(() -> finish(pending, tampered))
                        .as("byte %d ^ %02x", p, mask)
                        .isInstanceOf(NoiseException.class);
            }
        }
    }

    @Test
    void lowOrderClientEphemeralIsRefused() throws Exception {
        byte[] initiation = NoiseClient.start(machineKey, serverKey.publicKey(), VERSION).initiation();
        for (byte[] point : LOW_ORDER_POINTS) {
            byte[] tampered = initiation.clone();
            System.arraycopy(point, 0, tampered, 5, 32);
            assertThatThrownBy(() -> NoiseServer.accept(serverKey, tampered, ANY_VERSION))
                    .isInstanceOf(NoiseException.class)
                    .hasMessageContaining("initiator ephemeral key is a low-order point");
        }
    }

    @Test
    void lowOrderServerEphemeralIsRefused() throws Exception {
        for (byte[] point : LOW_ORDER_POINTS) {
            NoiseClient.Pending pending = NoiseClient.start(machineKey, serverKey.publicKey(), VERSION);
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            NoiseServer.accept(serverKey, pending.initiation(), ANY_VERSION).respond(noInput, response);
            byte[] tampered = response.toByteArray();
            System.arraycopy(point, 0, tampered, 3, 32);
            assertThatThrownBy(() -> finish(pending, tampered))
                    .isInstanceOf(NoiseException.class)
                    .hasMessageContaining("responder ephemeral key is a low-order point");
        }
    }

    /**
     * A client cannot claim a low-order static key: the server's ss would be zero. Built by hand
     * because an honest initiator cannot compute DH with such a key either.
     */
    @Test
    void lowOrderClientStaticKeyIsRefused() throws Exception {
        byte[] serverPublic = serverKey.publicKey().toBytes();
        byte[] ephemeral = X25519.generatePrivateKey();
        SymmetricState state = new SymmetricState(IkHandshake.PROTOCOL_NAME);
        state.mixHash(Wire.prologue(VERSION));
        state.mixHash(serverPublic);
        byte[] ephemeralPublic = X25519.publicKey(ephemeral);
        state.mixHash(ephemeralPublic);
        state.mixDh(ephemeral, serverPublic, "server static key");
        byte[] encryptedStatic = state.encryptAndHash(LOW_ORDER_POINTS[1]);
        state.mixKey(new byte[32]); // what ss would be
        byte[] tag = state.encryptAndHash(new byte[0]);

        byte[] initiation = new byte[101];
        initiation[1] = VERSION;
        initiation[2] = 1;
        initiation[4] = 96;
        System.arraycopy(ephemeralPublic, 0, initiation, 5, 32);
        System.arraycopy(encryptedStatic, 0, initiation, 37, 48);
        System.arraycopy(tag, 0, initiation, 85, 16);
        assertThatThrownBy(() -> NoiseServer.accept(serverKey, initiation, ANY_VERSION))
                .isInstanceOf(NoiseException.class)
                .hasMessageContaining("initiator static key is a low-order point");
    }

    @Test
    void unsupportedVersionReachesTheClientAsTheServersText() throws Exception {
        NoiseClient.Pending pending = NoiseClient.start(machineKey, serverKey.publicKey(), 99);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        try {
            NoiseServer.accept(serverKey, pending.initiation(), v -> v >= 1 && v <= 3);
            throw new AssertionError("version 99 accepted");
        } catch (UnsupportedVersionException e) {
            assertThat(e.version()).isEqualTo(99);
            NoiseServer.writeError(wire,
                    "unsupported protocol version " + e.version() + "; this server speaks 1 to 3");
        }
        assertThat(wire.toByteArray()[0]).isEqualTo((byte) 3);
        assertThatThrownBy(() -> finish(pending, wire.toByteArray()))
                .isInstanceOfSatisfying(NoiseRejectedException.class, e -> assertThat(e.serverText())
                        .isEqualTo("unsupported protocol version 99; this server speaks 1 to 3"))
                .hasMessageContaining("unsupported protocol version 99");
    }

    @Test
    void versionIsCheckedBeforeTheRestOfTheInitiation() {
        byte[] futureInitiation = new byte[300]; // a later version may well be longer
        futureInitiation[1] = 42;
        assertThatThrownBy(() -> NoiseServer.accept(serverKey, futureInitiation, v -> v == 1))
                .isInstanceOf(UnsupportedVersionException.class)
                .hasMessage("unsupported control protocol version 42");
    }

    @Test
    void anAcceptedClientCanStillBeRejected() throws Exception {
        NoiseClient.Pending pending = NoiseClient.start(machineKey, serverKey.publicKey(), VERSION);
        NoiseServer.Accepted accepted = NoiseServer.accept(serverKey, pending.initiation(), ANY_VERSION);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        accepted.reject(wire, "machine not authorised");
        assertThatThrownBy(() -> accepted.respond(noInput, wire)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> finish(pending, wire.toByteArray()))
                .isInstanceOfSatisfying(NoiseRejectedException.class,
                        e -> assertThat(e.serverText()).isEqualTo("machine not authorised"));
    }

    @Test
    void errorTextIsCutToTheLimitOnACharacterBoundaryAndKeptOutOfLogsRaw() throws Exception {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        NoiseServer.writeError(wire, "é".repeat(600) + "\n\u001b[31m"); // 1200 bytes of UTF-8
        byte[] record = wire.toByteArray();
        assertThat(Wire.getU16(record, 1)).isEqualTo(1024).isEqualTo(record.length - 3);
        NoiseRejectedException e = Wire.readError(new ByteArrayInputStream(record, 3, 1024), 1024);
        assertThat(e.serverText()).isEqualTo("é".repeat(512));

        NoiseRejectedException control = new NoiseRejectedException("bad\nline\u001b");
        assertThat(control.serverText()).isEqualTo("bad\nline\u001b");
        assertThat(control.getMessage()).doesNotContain("\n").doesNotContain("\u001b").contains("bad\\u000aline");
    }

    @Test
    void malformedServerAnswersAreRefusedWithoutReadingThem() throws Exception {
        // An error record announcing more than 1024 bytes: refused from its header alone.
        byte[] oversizeError = {3, (byte) 0xFF, (byte) 0xFF};
        assertThatThrownBy(() -> finish(start(), oversizeError))
                .isExactlyInstanceOf(NoiseException.class)
                .hasMessageContaining("65535 bytes exceeds the limit of 1024");
        byte[] transportRecord = {4, 0, 48};
        assertThatThrownBy(() -> finish(start(), transportRecord))
                .isExactlyInstanceOf(NoiseException.class)
                .hasMessageContaining("unexpected message type 4");
    }

    @Test
    void truncatedAnswersAreEndOfStream() throws Exception {
        NoiseClient.Pending pending = start();
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        NoiseServer.accept(serverKey, pending.initiation(), ANY_VERSION).respond(noInput, response);
        byte[] whole = response.toByteArray();
        for (int length : new int[] {0, 1, 2, 3, 4, 35, 50}) {
            NoiseClient.Pending fresh = start();
            assertThatThrownBy(() -> finish(fresh, whole, 0, length))
                    .as("%d of 51 bytes", length)
                    .isInstanceOf(EOFException.class);
        }
        byte[] error = {3, 0, 10, 'a', 'b'};
        assertThatThrownBy(() -> finish(start(), error))
                .isInstanceOf(EOFException.class);
    }

    @Test
    void readInitiationReadsExactlyOneInitiation() throws Exception {
        byte[] initiation = start().initiation();
        byte[] stream = Arrays.copyOf(initiation, initiation.length + 3);
        stream[101] = 4; // the next bytes belong to whoever reads after us
        ByteArrayInputStream in = new ByteArrayInputStream(stream);
        assertThat(NoiseServer.readInitiation(in)).isEqualTo(initiation);
        assertThat(in.available()).isEqualTo(3);

        for (int length : new int[] {0, 4, 5, 100}) {
            assertThatThrownBy(() -> NoiseServer.readInitiation(new ByteArrayInputStream(initiation, 0, length)))
                    .isInstanceOf(EOFException.class);
        }
        byte[] huge = {0, 1, 1, (byte) 0xFF, (byte) 0xFF};
        assertThatThrownBy(() -> NoiseServer.readInitiation(new ByteArrayInputStream(huge)))
                .isExactlyInstanceOf(NoiseException.class).hasMessageContaining("exceeds the limit");
        byte[] wrongType = {0, 1, 4, 0, 96};
        assertThatThrownBy(() -> NoiseServer.readInitiation(new ByteArrayInputStream(wrongType)))
                .isExactlyInstanceOf(NoiseException.class).hasMessageContaining("unexpected message type 4");
    }

    @Test
    void malformedInitiationsAreRefused() throws Exception {
        byte[] initiation = start().initiation();
        assertThatThrownBy(() -> NoiseServer.accept(serverKey, Arrays.copyOf(initiation, 100), ANY_VERSION))
                .isExactlyInstanceOf(NoiseException.class).hasMessageContaining("expected 101");
        assertThatThrownBy(() -> NoiseServer.accept(serverKey, Arrays.copyOf(initiation, 102), ANY_VERSION))
                .isExactlyInstanceOf(NoiseException.class).hasMessageContaining("expected 101");
        assertThatThrownBy(() -> NoiseServer.accept(serverKey, new byte[3], ANY_VERSION))
                .isExactlyInstanceOf(NoiseException.class).hasMessageContaining("too short");
    }

    @Test
    void lowOrderServerKeyIsAConfigurationError() {
        for (byte[] point : LOW_ORDER_POINTS) {
            assertThatThrownBy(() -> NoiseClient.start(machineKey, MachinePublicKey.fromBytes(point), VERSION))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("low-order");
        }
    }

    @Test
    void misuseIsAnIllegalState() throws Exception {
        assertThatThrownBy(() -> NoiseClient.start(machineKey, serverKey.publicKey(), 65536))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NoiseClient.start(machineKey, serverKey.publicKey(), -1))
                .isInstanceOf(IllegalArgumentException.class);
        NoiseClient.Pending pending = start();
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        NoiseServer.accept(serverKey, pending.initiation(), ANY_VERSION).respond(noInput, response);
        finish(pending, response.toByteArray());
        assertThatThrownBy(() -> pending.finish(noInput, OutputStream.nullOutputStream()))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void exceptionsCarryNoKeyMaterial() throws Exception {
        MachinePublicKey otherServer = MachinePrivateKey.generate().publicKey();
        byte[] initiation = NoiseClient.start(machineKey, otherServer, VERSION).initiation();
        assertThatThrownBy(() -> NoiseServer.accept(serverKey, initiation, ANY_VERSION))
                .satisfies(e -> assertThat(e.toString())
                        .doesNotContain(machineKey.publicKey().toHex())
                        .doesNotContain(otherServer.toHex())
                        .doesNotContain(serverKey.toSecretText().substring(8)));
    }

    /** Finishes the handshake from these bytes, as if the server had sent them. */
    private static NoiseConnection finish(NoiseClient.Pending pending, byte[] bytes) throws IOException {
        return pending.finish(new ByteArrayInputStream(bytes), OutputStream.nullOutputStream());
    }

    private static NoiseConnection finish(NoiseClient.Pending pending, byte[] bytes, int offset, int length)
            throws IOException {
        return pending.finish(new ByteArrayInputStream(bytes, offset, length), OutputStream.nullOutputStream());
    }

    private NoiseClient.Pending start() {
        return NoiseClient.start(machineKey, serverKey.publicKey(), VERSION);
    }
}
