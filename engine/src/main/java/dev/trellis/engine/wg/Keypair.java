package dev.trellis.engine.wg;

import dev.trellis.engine.crypto.AeadKey;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A pair of transport keys from one completed handshake, with the send counter and the receive
 * replay window. Immutable except for the counter (atomic) and the filter (used only by the
 * peer's in-order receive step).
 */
final class Keypair {
    final AeadKey sendKey;
    final AeadKey receiveKey;
    final AtomicLong sendCounter = new AtomicLong();
    final ReplayFilter replay = new ReplayFilter();
    final boolean initiator;
    final long createdNanos;
    final int localIndex;
    final int remoteIndex;
    final Peer peer;

    Keypair(Peer peer, AeadKey sendKey, AeadKey receiveKey, boolean initiator, long createdNanos,
            int localIndex, int remoteIndex) {
        this.peer = peer;
        this.sendKey = sendKey;
        this.receiveKey = receiveKey;
        this.initiator = initiator;
        this.createdNanos = createdNanos;
        this.localIndex = localIndex;
        this.remoteIndex = remoteIndex;
    }

    long ageNanos(long now) {
        return now - createdNanos;
    }
}
