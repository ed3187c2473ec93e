package dev.trellis.engine.wg;

import static java.nio.charset.StandardCharsets.US_ASCII;

import dev.trellis.protocol.crypto.Blake2s;
import dev.trellis.protocol.crypto.ChaChaPoly;
import dev.trellis.protocol.crypto.X25519;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * The Noise_IKpsk2 message computations (whitepaper §5.4.2–5.4.4), each a pure step over a
 * peer's {@link Handshake}. Callers hold the handshake's monitor. Every failure (bad tag, low
 * order point, wrong state) surfaces as a {@link GeneralSecurityException} or a false/null
 * return, which the device counts as a dropped message.
 */
final class Noise {
    static final byte[] CONSTRUCTION = "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s".getBytes(US_ASCII);
    static final byte[] IDENTIFIER = "WireGuard v1 zx2c4 Jason@zx2c4.com".getBytes(US_ASCII);
    static final byte[] LABEL_MAC1 = "mac1----".getBytes(US_ASCII);
    static final byte[] LABEL_COOKIE = "cookie--".getBytes(US_ASCII);
    static final byte[] INITIAL_CHAIN_KEY = Blake2s.hash(CONSTRUCTION);
    static final byte[] INITIAL_HASH = Blake2s.hash(INITIAL_CHAIN_KEY, IDENTIFIER);
    private static final byte[] EMPTY = new byte[0];

    private Noise() {}

    /** Our static key pair and the values derived from it once. */
    record Identity(byte[] privateKey, byte[] publicKey, byte[] mac1Key, byte[] cookieKey) {
        static Identity of(byte[] privateKey) {
            byte[] pub = X25519.publicKey(privateKey);
            return new Identity(privateKey.clone(), pub, Blake2s.hash(LABEL_MAC1, pub),
                    Blake2s.hash(LABEL_COOKIE, pub));
        }
    }

    /** Fills {@code msg} (148 bytes, MACs left zero) with a fresh initiation. */
    static void createInitiation(Identity self, Handshake hs, int localIndex, byte[] timestamp, byte[] msg)
            throws GeneralSecurityException {
        if (hs.precomputedStaticStatic == null) {
            throw new GeneralSecurityException("no usable static-static secret for this peer");
        }
        byte[] h = Blake2s.hash(INITIAL_HASH, hs.remoteStaticBytes);
        byte[] ck = INITIAL_CHAIN_KEY;
        byte[] ePriv = X25519.generatePrivateKey();
        byte[] ePub = X25519.publicKey(ePriv);
        ck = Blake2s.kdf(1, ck, ePub)[0];
        h = Blake2s.hash(h, ePub);
        byte[][] t = Blake2s.kdf(2, ck, X25519.dh(ePriv, hs.remoteStaticBytes));
        ck = t[0];
        byte[] encStatic = ChaChaPoly.seal(t[1], 0, self.publicKey(), h);
        h = Blake2s.hash(h, encStatic);
        t = Blake2s.kdf(2, ck, hs.precomputedStaticStatic);
        ck = t[0];
        byte[] encTimestamp = ChaChaPoly.seal(t[1], 0, timestamp, h);
        h = Blake2s.hash(h, encTimestamp);

        Arrays.fill(msg, (byte) 0);
        msg[0] = Messages.TYPE_INITIATION;
        Messages.putIntLE(msg, Messages.INIT_SENDER, localIndex);
        System.arraycopy(ePub, 0, msg, Messages.INIT_EPHEMERAL, 32);
        System.arraycopy(encStatic, 0, msg, Messages.INIT_STATIC, 48);
        System.arraycopy(encTimestamp, 0, msg, Messages.INIT_TIMESTAMP, 28);

        hs.clear();
        hs.hash = h;
        hs.chainKey = ck;
        hs.localEphemeral = ePriv;
        hs.localIndex = localIndex;
        hs.state = Handshake.State.INITIATION_CREATED;
    }

    /** First half of consuming an initiation: who sent it. Needs no peer state. */
    record InitiationOpening(byte[] hash, byte[] chainKey, byte[] remoteStatic) {}

    static InitiationOpening openInitiation(Identity self, byte[] msg) throws GeneralSecurityException {
        byte[] h = Blake2s.hash(INITIAL_HASH, self.publicKey());
        byte[] ck = INITIAL_CHAIN_KEY;
        byte[] ePub = Arrays.copyOfRange(msg, Messages.INIT_EPHEMERAL, Messages.INIT_EPHEMERAL + 32);
        ck = Blake2s.kdf(1, ck, ePub)[0];
        h = Blake2s.hash(h, ePub);
        byte[][] t = Blake2s.kdf(2, ck, X25519.dh(self.privateKey(), ePub));
        ck = t[0];
        byte[] encStatic = Arrays.copyOfRange(msg, Messages.INIT_STATIC, Messages.INIT_STATIC + 48);
        byte[] remoteStatic = ChaChaPoly.open(t[1], 0, encStatic, h);
        h = Blake2s.hash(h, encStatic);
        return new InitiationOpening(h, ck, remoteStatic);
    }

    /**
     * Second half: checks the timestamp with the peer's static-static secret and, if the
     * initiation is new and not part of a flood, records it in {@code hs}. Returns false for a
     * replayed or too frequent initiation.
     */
    static boolean consumeInitiation(InitiationOpening o, Handshake hs, byte[] msg, long nowNanos)
            throws GeneralSecurityException {
        if (hs.precomputedStaticStatic == null) {
            return false;
        }
        byte[][] t = Blake2s.kdf(2, o.chainKey(), hs.precomputedStaticStatic);
        byte[] encTimestamp = Arrays.copyOfRange(msg, Messages.INIT_TIMESTAMP, Messages.INIT_TIMESTAMP + 28);
        byte[] timestamp = ChaChaPoly.open(t[1], 0, encTimestamp, o.hash());
        byte[] h = Blake2s.hash(o.hash(), encTimestamp);
        if (dev.trellis.engine.crypto.Tai64n.compare(timestamp, hs.lastTimestamp) <= 0) {
            return false;
        }
        if (hs.initiationConsumedOnce
                && nowNanos - hs.lastInitiationConsumedNanos < WgConstants.HANDSHAKE_INITIATION_RATE.toNanos()) {
            return false;
        }
        hs.clear();
        hs.hash = h;
        hs.chainKey = t[0];
        hs.remoteEphemeral = Arrays.copyOfRange(msg, Messages.INIT_EPHEMERAL, Messages.INIT_EPHEMERAL + 32);
        hs.remoteIndex = Messages.getIntLE(msg, Messages.INIT_SENDER);
        hs.lastTimestamp = timestamp;
        hs.lastInitiationConsumedNanos = nowNanos;
        hs.initiationConsumedOnce = true;
        hs.state = Handshake.State.INITIATION_CONSUMED;
        return true;
    }

    /** Fills {@code msg} (92 bytes, MACs zero) with the response to a consumed initiation. */
    static void createResponse(Handshake hs, int localIndex, byte[] msg) throws GeneralSecurityException {
        if (hs.state != Handshake.State.INITIATION_CONSUMED) {
            throw new GeneralSecurityException("no initiation to respond to");
        }
        byte[] ePriv = X25519.generatePrivateKey();
        byte[] ePub = X25519.publicKey(ePriv);
        byte[] ck = Blake2s.kdf(1, hs.chainKey, ePub)[0];
        byte[] h = Blake2s.hash(hs.hash, ePub);
        ck = Blake2s.kdf(1, ck, X25519.dh(ePriv, hs.remoteEphemeral))[0];
        ck = Blake2s.kdf(1, ck, X25519.dh(ePriv, hs.remoteStaticBytes))[0];
        byte[][] t = Blake2s.kdf(3, ck, hs.presharedKey.toBytes());
        ck = t[0];
        h = Blake2s.hash(h, t[1]);
        byte[] empty = ChaChaPoly.seal(t[2], 0, EMPTY, h);
        h = Blake2s.hash(h, empty);

        Arrays.fill(msg, (byte) 0);
        msg[0] = Messages.TYPE_RESPONSE;
        Messages.putIntLE(msg, Messages.RESP_SENDER, localIndex);
        Messages.putIntLE(msg, Messages.RESP_RECEIVER, hs.remoteIndex);
        System.arraycopy(ePub, 0, msg, Messages.RESP_EPHEMERAL, 32);
        System.arraycopy(empty, 0, msg, Messages.RESP_EMPTY, 16);

        Handshake.wipe(ePriv);
        hs.hash = h;
        hs.chainKey = ck;
        hs.localIndex = localIndex;
        hs.state = Handshake.State.RESPONSE_CREATED;
    }

    /** Consumes a response to our initiation; false if it does not match the one in flight. */
    static boolean consumeResponse(Identity self, Handshake hs, byte[] msg) throws GeneralSecurityException {
        if (hs.state != Handshake.State.INITIATION_CREATED
                || hs.localIndex != Messages.getIntLE(msg, Messages.RESP_RECEIVER)) {
            return false;
        }
        byte[] ePub = Arrays.copyOfRange(msg, Messages.RESP_EPHEMERAL, Messages.RESP_EPHEMERAL + 32);
        byte[] ck = Blake2s.kdf(1, hs.chainKey, ePub)[0];
        byte[] h = Blake2s.hash(hs.hash, ePub);
        ck = Blake2s.kdf(1, ck, X25519.dh(hs.localEphemeral, ePub))[0];
        ck = Blake2s.kdf(1, ck, X25519.dh(self.privateKey(), ePub))[0];
        byte[][] t = Blake2s.kdf(3, ck, hs.presharedKey.toBytes());
        ck = t[0];
        h = Blake2s.hash(h, t[1]);
        byte[] empty = Arrays.copyOfRange(msg, Messages.RESP_EMPTY, Messages.RESP_EMPTY + 16);
        ChaChaPoly.open(t[2], 0, empty, h);
        h = Blake2s.hash(h, empty);

        Handshake.wipe(hs.localEphemeral);
        hs.localEphemeral = null;
        hs.hash = h;
        hs.chainKey = ck;
        hs.remoteIndex = Messages.getIntLE(msg, Messages.RESP_SENDER);
        hs.state = Handshake.State.RESPONSE_CONSUMED;
        return true;
    }

    /** What a finished handshake leaves: the transport keys and the two indices. */
    record Session(byte[] sendKey, byte[] receiveKey, boolean initiator, int localIndex, int remoteIndex) {}

    /** Derives the session of a finished handshake (whitepaper §5.4.5) and clears the handshake. */
    static Session finish(Handshake hs) throws GeneralSecurityException {
        boolean initiator = switch (hs.state) {
            case RESPONSE_CONSUMED -> true;
            case RESPONSE_CREATED -> false;
            default -> throw new GeneralSecurityException("handshake not finished: " + hs.state);
        };
        byte[][] t = Blake2s.kdf(2, hs.chainKey, EMPTY);
        Session s = initiator ? new Session(t[0], t[1], true, hs.localIndex, hs.remoteIndex)
                : new Session(t[1], t[0], false, hs.localIndex, hs.remoteIndex);
        hs.clear();
        return s;
    }
}
