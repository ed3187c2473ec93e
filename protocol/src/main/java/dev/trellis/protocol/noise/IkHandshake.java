package dev.trellis.protocol.noise;

import dev.trellis.protocol.crypto.ChaChaPoly;
import dev.trellis.protocol.crypto.X25519;
import java.util.Arrays;

/**
 * The Noise IK pattern's two messages without framing or I/O, so that they can be checked against
 * published test vectors (which have prologues and payloads of their own):
 *
 * <pre>
 *   &lt;- s
 *   ...
 *   -&gt; e, es, s, ss
 *   &lt;- e, ee, se
 * </pre>
 *
 * Ephemeral private keys come in from the caller so that a vector can fix them; production code
 * passes fresh ones from {@link X25519#generatePrivateKey()}.
 */
final class IkHandshake {
    static final String PROTOCOL_NAME = "Noise_IK_25519_ChaChaPoly_BLAKE2s";
    private static final int KEY = X25519.KEY_LENGTH;
    private static final int TAG = ChaChaPoly.TAG_LENGTH;

    private IkHandshake() {
    }

    /** The result of a finished handshake: one key per direction and the handshake hash. */
    record Session(byte[] initiatorToResponder, byte[] responderToInitiator, byte[] handshakeHash) {
        /** Wipes the transport keys of a session that will not be used. */
        void destroy() {
            SymmetricState.wipe(initiatorToResponder);
            SymmetricState.wipe(responderToInitiator);
        }
    }

    /** The initiator, who knows the responder's static key before it starts. */
    static final class Initiator {
        private final SymmetricState state = new SymmetricState(PROTOCOL_NAME);
        private final byte[] staticPrivate;
        private final byte[] responderStatic;
        private final byte[] ephemeralPrivate;
        private boolean sent;
        private boolean done;

        Initiator(byte[] staticPrivate, byte[] responderStatic, byte[] prologue, byte[] ephemeralPrivate) {
            this.staticPrivate = staticPrivate.clone();
            this.ephemeralPrivate = ephemeralPrivate.clone();
            this.responderStatic = responderStatic.clone();
            state.mixHash(prologue);
            state.mixHash(responderStatic); // pre-message "<- s"
        }

        /** -&gt; e, es, s, ss, then the payload: e (32) || enc(s) (48) || enc(payload) (len + 16). */
        byte[] writeFirst(byte[] payload) throws NoiseException {
            if (sent) {
                throw new IllegalStateException("first handshake message already written");
            }
            sent = true;
            byte[] ephemeralPublic = X25519.publicKey(ephemeralPrivate);
            state.mixHash(ephemeralPublic);
            state.mixDh(ephemeralPrivate, responderStatic, "responder static key");
            byte[] encryptedStatic = state.encryptAndHash(X25519.publicKey(staticPrivate));
            state.mixDh(staticPrivate, responderStatic, "responder static key");
            byte[] encryptedPayload = state.encryptAndHash(payload);
            return concat(ephemeralPublic, encryptedStatic, encryptedPayload);
        }

        /** &lt;- e, ee, se, then the payload; returns the decrypted payload. */
        byte[] readSecond(byte[] message) throws NoiseException {
            if (!sent || done) {
                throw new IllegalStateException("not waiting for the second handshake message");
            }
            done = true;
            if (message.length < KEY + TAG) {
                throw new NoiseException("handshake response too short: " + message.length + " bytes");
            }
            byte[] responderEphemeral = Arrays.copyOfRange(message, 0, KEY);
            state.mixHash(responderEphemeral);
            state.mixDh(ephemeralPrivate, responderEphemeral, "responder ephemeral key");
            state.mixDh(staticPrivate, responderEphemeral, "responder ephemeral key");
            return state.decryptAndHash(Arrays.copyOfRange(message, KEY, message.length),
                    "handshake response");
        }

        Session split() {
            if (!done) {
                throw new IllegalStateException("handshake not finished");
            }
            byte[] hash = state.handshakeHash();
            byte[][] keys = state.split();
            destroy();
            return new Session(keys[0], keys[1], hash);
        }

        void destroy() {
            state.destroy();
            SymmetricState.wipe(ephemeralPrivate);
            SymmetricState.wipe(staticPrivate);
        }
    }

    /** The responder, who learns and authenticates the initiator's static key from message one. */
    static final class Responder {
        private final SymmetricState state = new SymmetricState(PROTOCOL_NAME);
        private final byte[] staticPrivate;
        private byte[] initiatorEphemeral;
        private byte[] initiatorStatic;
        private boolean written;

        Responder(byte[] staticPrivate, byte[] prologue) {
            this.staticPrivate = staticPrivate.clone();
            state.mixHash(prologue);
            state.mixHash(X25519.publicKey(staticPrivate)); // pre-message "<- s"
        }

        /** -&gt; e, es, s, ss, then the payload; returns the decrypted payload. */
        byte[] readFirst(byte[] message) throws NoiseException {
            if (initiatorStatic != null) {
                throw new IllegalStateException("first handshake message already read");
            }
            if (message.length < KEY + KEY + TAG + TAG) {
                throw new NoiseException("handshake initiation too short: " + message.length + " bytes");
            }
            initiatorEphemeral = Arrays.copyOfRange(message, 0, KEY);
            state.mixHash(initiatorEphemeral);
            state.mixDh(staticPrivate, initiatorEphemeral, "initiator ephemeral key");
            byte[] peerStatic = state.decryptAndHash(Arrays.copyOfRange(message, KEY, KEY + KEY + TAG),
                    "initiator static key (initiation made for another server key, or corrupted)");
            state.mixDh(staticPrivate, peerStatic, "initiator static key");
            byte[] payload = state.decryptAndHash(Arrays.copyOfRange(message, KEY + KEY + TAG, message.length),
                    "handshake initiation");
            initiatorStatic = peerStatic;
            return payload;
        }

        /** The initiator's static public key, authenticated by {@link #readFirst}. */
        byte[] initiatorStatic() {
            if (initiatorStatic == null) {
                throw new IllegalStateException("first handshake message not read");
            }
            return initiatorStatic.clone();
        }

        /** &lt;- e, ee, se, then the payload: e (32) || enc(payload) (len + 16). */
        byte[] writeSecond(byte[] payload, byte[] ephemeralPrivate) throws NoiseException {
            if (initiatorStatic == null || written) {
                throw new IllegalStateException("not ready to write the second handshake message");
            }
            written = true;
            byte[] ephemeralPublic = X25519.publicKey(ephemeralPrivate);
            state.mixHash(ephemeralPublic);
            state.mixDh(ephemeralPrivate, initiatorEphemeral, "initiator ephemeral key");
            state.mixDh(ephemeralPrivate, initiatorStatic, "initiator static key");
            return concat(ephemeralPublic, state.encryptAndHash(payload));
        }

        Session split() {
            if (!written) {
                throw new IllegalStateException("handshake not finished");
            }
            byte[] hash = state.handshakeHash();
            byte[][] keys = state.split();
            destroy();
            return new Session(keys[0], keys[1], hash);
        }

        void destroy() {
            state.destroy();
            SymmetricState.wipe(staticPrivate);
        }
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] out = new byte[length];
        int offset = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, offset, part.length);
            offset += part.length;
        }
        return out;
    }
}
