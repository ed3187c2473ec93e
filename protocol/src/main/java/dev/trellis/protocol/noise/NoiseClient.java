package dev.trellis.protocol.noise;

import dev.trellis.protocol.crypto.X25519;
import dev.trellis.protocol.key.MachinePrivateKey;
import dev.trellis.protocol.key.MachinePublicKey;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;

/**
 * The initiator's side of the control handshake: a node proving its machine key to a coordinator
 * whose key it already knows.
 *
 * <p>The handshake is split in two so that the initiation can ride in the HTTP upgrade request:
 * {@link #start} builds the initiation without any I/O, and {@link Pending#finish} reads the
 * coordinator's answer from the upgraded stream. {@link #connect} does both on a plain stream.
 */
public final class NoiseClient {
    private NoiseClient() {
    }

    /**
     * Builds the handshake initiation for {@code serverKey} at {@code protocolVersion}.
     *
     * @throws IllegalArgumentException if the version is outside 0..65535, or {@code serverKey} is
     *     a low-order point (a misconfiguration: no real key is)
     */
    public static Pending start(MachinePrivateKey machineKey, MachinePublicKey serverKey, int protocolVersion) {
        byte[] ephemeralPrivate = X25519.generatePrivateKey();
        try {
            return start(machineKey, serverKey, protocolVersion, ephemeralPrivate);
        } finally {
            SymmetricState.wipe(ephemeralPrivate);
        }
    }

    /** As {@link #start(MachinePrivateKey, MachinePublicKey, int)} with a chosen ephemeral key, for tests. */
    static Pending start(MachinePrivateKey machineKey, MachinePublicKey serverKey, int protocolVersion,
            byte[] ephemeralPrivate) {
        Objects.requireNonNull(machineKey, "machineKey");
        Objects.requireNonNull(serverKey, "serverKey");
        Wire.checkVersion(protocolVersion);
        byte[] staticPrivate = machineKey.toBytes();
        IkHandshake.Initiator initiator = new IkHandshake.Initiator(
                staticPrivate, serverKey.toBytes(), Wire.prologue(protocolVersion), ephemeralPrivate);
        SymmetricState.wipe(staticPrivate);
        byte[] initiation = new byte[Wire.INITIATION_LENGTH];
        try {
            byte[] payload = initiator.writeFirst(new byte[0]);
            Wire.putU16(initiation, 0, protocolVersion);
            initiation[2] = Wire.TYPE_INITIATION;
            Wire.putU16(initiation, 3, payload.length);
            System.arraycopy(payload, 0, initiation, Wire.INITIATION_HEADER_LENGTH, payload.length);
        } catch (NoiseException e) {
            initiator.destroy();
            throw new IllegalArgumentException("coordinator key is not usable: " + e.getMessage(), e);
        }
        return new Pending(initiator, serverKey, protocolVersion, initiation);
    }

    /** Writes the initiation to {@code out}, then reads the answer: the handshake on a plain stream. */
    public static NoiseConnection connect(InputStream in, OutputStream out, MachinePrivateKey machineKey,
            MachinePublicKey serverKey, int protocolVersion, NoiseOptions options) throws IOException {
        Pending pending = start(machineKey, serverKey, protocolVersion);
        out.write(pending.initiation());
        out.flush();
        return pending.finish(in, out, options);
    }

    /** A sent (or about to be sent) initiation, waiting for the coordinator's answer. Single use. */
    public static final class Pending {
        private final IkHandshake.Initiator initiator;
        private final MachinePublicKey serverKey;
        private final int protocolVersion;
        private final byte[] initiation;
        private boolean finished;

        private Pending(IkHandshake.Initiator initiator, MachinePublicKey serverKey, int protocolVersion,
                byte[] initiation) {
            this.initiator = initiator;
            this.serverKey = serverKey;
            this.protocolVersion = protocolVersion;
            this.initiation = initiation;
        }

        /** A copy of the 101-byte initiation, to send before calling {@link #finish}. */
        public byte[] initiation() {
            return initiation.clone();
        }

        public MachinePublicKey serverKey() {
            return serverKey;
        }

        public int protocolVersion() {
            return protocolVersion;
        }

        /** {@link #finish(InputStream, OutputStream, NoiseOptions)} with default options. */
        public NoiseConnection finish(InputStream in, OutputStream out) throws IOException {
            return finish(in, out, NoiseOptions.defaults());
        }

        /**
         * Reads the coordinator's response (or error) from {@code in}, reading no byte past it,
         * and returns the connection, which then owns both streams. On failure the streams are
         * left to the caller to close.
         *
         * @throws NoiseRejectedException if the coordinator sent an error record
         * @throws NoiseException if the response is malformed or does not authenticate as coming
         *     from {@link #serverKey()}
         * @throws EOFException if the stream ends first
         * @throws IllegalStateException if called twice
         */
        public synchronized NoiseConnection finish(InputStream in, OutputStream out, NoiseOptions options)
                throws IOException {
            Objects.requireNonNull(in, "in");
            Objects.requireNonNull(out, "out");
            Objects.requireNonNull(options, "options");
            if (finished) {
                throw new IllegalStateException("handshake already finished");
            }
            finished = true;
            try {
                byte[] payload = readResponse(in);
                if (initiator.readSecond(payload).length != 0) {
                    // Unreachable with the fixed length: kept so a future payload is not ignored.
                    throw new NoiseException("handshake response carries an unexpected payload");
                }
                IkHandshake.Session session = initiator.split();
                return new RealNoiseConnection(in, out, serverKey, protocolVersion, session, true, options);
            } finally {
                initiator.destroy();
            }
        }

        private static byte[] readResponse(InputStream in) throws IOException {
            byte[] header = new byte[Wire.HEADER_LENGTH];
            int n = in.readNBytes(header, 0, header.length);
            if (n < header.length) {
                throw new EOFException(n == 0 ? "coordinator closed the connection before its handshake response"
                        : "stream ended inside the handshake response header");
            }
            int type = header[0] & 0xFF;
            int length = Wire.getU16(header, 1);
            if (type == Wire.TYPE_ERROR) {
                throw Wire.readError(in, length);
            }
            if (type != Wire.TYPE_RESPONSE) {
                throw new NoiseException("unexpected message type " + type + " where the handshake response ("
                        + Wire.TYPE_RESPONSE + ") belongs");
            }
            if (length != Wire.RESPONSE_PAYLOAD_LENGTH) {
                throw new NoiseException("handshake response length " + length + ", expected "
                        + Wire.RESPONSE_PAYLOAD_LENGTH);
            }
            byte[] payload = new byte[length];
            Wire.readFully(in, payload, "the handshake response");
            return payload;
        }

        @Override
        public String toString() {
            return "NoiseClient.Pending[server=" + serverKey.shortString() + ", version=" + protocolVersion + "]";
        }
    }
}
