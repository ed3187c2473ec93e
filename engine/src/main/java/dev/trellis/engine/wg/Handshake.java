package dev.trellis.engine.wg;

import dev.trellis.protocol.key.NodePublicKey;
import dev.trellis.protocol.key.PresharedKey;
import java.util.Arrays;

/**
 * One peer's Noise_IKpsk2 handshake state (whitepaper §5.4). Guarded by its own monitor: the
 * handshake worker, timers and configuration all reach it.
 */
final class Handshake {
    enum State { ZEROED, INITIATION_CREATED, INITIATION_CONSUMED, RESPONSE_CREATED, RESPONSE_CONSUMED }

    final NodePublicKey remoteStatic;
    final byte[] remoteStaticBytes;
    State state = State.ZEROED;
    byte[] hash;
    byte[] chainKey;
    byte[] localEphemeral;
    byte[] remoteEphemeral;
    int localIndex;
    int remoteIndex;
    PresharedKey presharedKey = PresharedKey.NONE;
    /** DH(our static, their static), fixed while both keys stay; null when ours is unset or invalid. */
    byte[] precomputedStaticStatic;
    /** Newest TAI64N timestamp accepted from this peer: older or equal ones are replays. */
    byte[] lastTimestamp = new byte[12];
    long lastInitiationConsumedNanos;
    boolean initiationConsumedOnce;
    long lastSentInitiationNanos;
    boolean sentAnyInitiation;

    Handshake(NodePublicKey remoteStatic) {
        this.remoteStatic = remoteStatic;
        this.remoteStaticBytes = remoteStatic.toBytes();
    }

    /** Forgets the ephemeral state of a handshake in progress (keeps timestamps and keys). */
    void clear() {
        wipe(localEphemeral);
        wipe(chainKey);
        wipe(hash);
        localEphemeral = null;
        remoteEphemeral = null;
        chainKey = null;
        hash = null;
        localIndex = 0;
        remoteIndex = 0;
        state = State.ZEROED;
    }

    static void wipe(byte[] b) {
        if (b != null) {
            Arrays.fill(b, (byte) 0);
        }
    }
}
