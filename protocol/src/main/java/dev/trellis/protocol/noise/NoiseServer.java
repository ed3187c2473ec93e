package dev.trellis.protocol.noise;

import dev.trellis.protocol.crypto.X25519;
import dev.trellis.protocol.key.MachinePrivateKey;
import dev.trellis.protocol.key.MachinePublicKey;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.IntPredicate;

/**
 * The responder's side of the control handshake: a coordinator learning and authenticating a
 * node's machine key.
 *
 * <p>{@link #accept} checks an initiation (taken from the HTTP upgrade request, or read with
 * {@link #readInitiation}) without any I/O, so the caller can look the machine key up before it
 * answers with {@link Accepted#respond} or {@link Accepted#reject}.
 */
public final class NoiseServer {
    /** Leaves room for a future, larger initiation to be read whole and refused by version. */
    private static final int MAX_INITIATION_PAYLOAD = 1024;

    private NoiseServer() {
    }

    /**
     * Verifies a client's handshake initiation: its version, its framing, and that it was made for
     * {@code serverKey} by the holder of the machine key it carries.
     *
     * @param supportedVersion the protocol versions this server speaks; checked first, before any
     *     other field, so that a future client with another initiation format is told why
     * @throws UnsupportedVersionException if the version is refused; answer with
     *     {@link #writeError} so the client learns why
     * @throws NoiseException if the initiation is malformed, was made for another server key, was
     *     tampered with, or carries a low-order key
     */
    public static Accepted accept(MachinePrivateKey serverKey, byte[] initiation, IntPredicate supportedVersion)
            throws NoiseException {
        Objects.requireNonNull(serverKey, "serverKey");
        Objects.requireNonNull(initiation, "initiation");
        Objects.requireNonNull(supportedVersion, "supportedVersion");
        if (initiation.length < Wire.INITIATION_HEADER_LENGTH) {
            throw new NoiseException("handshake initiation of " + initiation.length + " bytes is too short");
        }
        int version = Wire.getU16(initiation, 0);
        if (!supportedVersion.test(version)) {
            throw new UnsupportedVersionException(version);
        }
        int type = initiation[2] & 0xFF;
        if (type != Wire.TYPE_INITIATION) {
            throw new NoiseException("unexpected message type " + type + " where the handshake initiation ("
                    + Wire.TYPE_INITIATION + ") belongs");
        }
        int length = Wire.getU16(initiation, 3);
        if (length != Wire.INITIATION_PAYLOAD_LENGTH || initiation.length != Wire.INITIATION_LENGTH) {
            throw new NoiseException("handshake initiation of " + initiation.length + " bytes (length field "
                    + length + "), expected " + Wire.INITIATION_LENGTH + " (length field "
                    + Wire.INITIATION_PAYLOAD_LENGTH + ")");
        }
        byte[] staticPrivate = serverKey.toBytes();
        IkHandshake.Responder responder = new IkHandshake.Responder(staticPrivate, Wire.prologue(version));
        SymmetricState.wipe(staticPrivate);
        try {
            byte[] payload = responder.readFirst(
                    Arrays.copyOfRange(initiation, Wire.INITIATION_HEADER_LENGTH, initiation.length));
            if (payload.length != 0) {
                throw new NoiseException("handshake initiation carries an unexpected payload");
            }
        } catch (NoiseException | RuntimeException e) {
            responder.destroy();
            throw e;
        }
        MachinePublicKey peer = MachinePublicKey.fromBytes(responder.initiatorStatic());
        return new Accepted(responder, peer, version);
    }

    /**
     * Reads one handshake initiation from a plain stream (where no HTTP request carries it), for
     * {@link #accept}. Reads no byte past it.
     *
     * @throws NoiseException if the header is not an initiation's or announces an oversize body
     * @throws EOFException if the stream ends first
     */
    public static byte[] readInitiation(InputStream in) throws IOException {
        byte[] header = new byte[Wire.INITIATION_HEADER_LENGTH];
        Wire.readFully(in, header, "the handshake initiation header");
        int type = header[2] & 0xFF;
        if (type != Wire.TYPE_INITIATION) {
            throw new NoiseException("unexpected message type " + type + " where the handshake initiation ("
                    + Wire.TYPE_INITIATION + ") belongs");
        }
        int length = Wire.getU16(header, 3);
        if (length > MAX_INITIATION_PAYLOAD) {
            throw new NoiseException("handshake initiation of " + length + " bytes exceeds the limit of "
                    + MAX_INITIATION_PAYLOAD);
        }
        byte[] initiation = Arrays.copyOf(header, Wire.INITIATION_HEADER_LENGTH + length);
        byte[] body = new byte[length];
        Wire.readFully(in, body, "the handshake initiation");
        System.arraycopy(body, 0, initiation, Wire.INITIATION_HEADER_LENGTH, length);
        return initiation;
    }

    /**
     * Answers a handshake with an error record instead of a response, e.g. for an unsupported
     * version, and flushes. The text travels in clear and unauthenticated: say what is wrong
     * without echoing the client's input. It is cut to 1024 bytes of UTF-8.
     */
    public static void writeError(OutputStream out, String text) throws IOException {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(text, "text");
        Wire.writeError(out, text);
    }

    /** An authenticated initiation, to be answered once: with a response or with an error. */
    public static final class Accepted {
        private final IkHandshake.Responder responder;
        private final MachinePublicKey peerKey;
        private final int protocolVersion;
        private boolean answered;

        private Accepted(IkHandshake.Responder responder, MachinePublicKey peerKey, int protocolVersion) {
            this.responder = responder;
            this.peerKey = peerKey;
            this.protocolVersion = protocolVersion;
        }

        /** The client's machine key, proven by the initiation. */
        public MachinePublicKey peerKey() {
            return peerKey;
        }

        public int protocolVersion() {
            return protocolVersion;
        }

        /** {@link #respond(InputStream, OutputStream, NoiseOptions)} with default options. */
        public NoiseConnection respond(InputStream in, OutputStream out) throws IOException {
            return respond(in, out, NoiseOptions.defaults());
        }

        /**
         * Writes the 51-byte handshake response to {@code out}, flushes, and returns the
         * connection, which then owns both streams.
         *
         * @throws IllegalStateException if this initiation was already answered
         */
        public synchronized NoiseConnection respond(InputStream in, OutputStream out, NoiseOptions options)
                throws IOException {
            Objects.requireNonNull(in, "in");
            Objects.requireNonNull(out, "out");
            Objects.requireNonNull(options, "options");
            markAnswered();
            byte[] ephemeralPrivate = X25519.generatePrivateKey();
            IkHandshake.Session session = null;
            try {
                byte[] payload = responder.writeSecond(new byte[0], ephemeralPrivate);
                session = responder.split();
                byte[] response = new byte[Wire.HEADER_LENGTH + payload.length];
                response[0] = Wire.TYPE_RESPONSE;
                Wire.putU16(response, 1, payload.length);
                System.arraycopy(payload, 0, response, Wire.HEADER_LENGTH, payload.length);
                out.write(response);
                out.flush();
                return new RealNoiseConnection(in, out, peerKey, protocolVersion, session, false, options);
            } catch (IOException | RuntimeException e) {
                if (session != null) {
                    session.destroy();
                }
                throw e;
            } finally {
                SymmetricState.wipe(ephemeralPrivate);
                responder.destroy();
            }
        }

        /** Refuses the authenticated client (unknown machine, say) with an error record. */
        public synchronized void reject(OutputStream out, String text) throws IOException {
            Objects.requireNonNull(out, "out");
            Objects.requireNonNull(text, "text");
            markAnswered();
            responder.destroy();
            Wire.writeError(out, text);
        }

        private void markAnswered() {
            if (answered) {
                throw new IllegalStateException("handshake already answered");
            }
            answered = true;
        }

        @Override
        public String toString() {
            return "NoiseServer.Accepted[peer=" + peerKey.shortString() + ", version=" + protocolVersion + "]";
        }
    }
}
