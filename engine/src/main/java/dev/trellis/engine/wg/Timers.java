package dev.trellis.engine.wg;

import java.util.concurrent.ThreadLocalRandom;

/**
 * A peer's five protocol timers (whitepaper §6, wireguard-go timers.go) as deadlines in
 * {@code System.nanoTime()} units, 0 meaning "not armed". Events on the packet path only store a
 * deadline; the device's timer thread fires expired ones, so the hot path never touches a
 * scheduler. Races between events are benign, as in wireguard-go: a lost re-arm only delays a
 * keepalive or handshake by one tick.
 */
final class Timers {
    private final Peer peer;
    volatile long retransmitHandshake;
    volatile long sendKeepalive;
    volatile long newHandshake;
    volatile long zeroKeyMaterial;
    volatile long persistentKeepalive;
    volatile int handshakeAttempts;
    volatile boolean needAnotherKeepalive;
    volatile boolean sentLastMinuteHandshake;

    Timers(Peer peer) {
        this.peer = peer;
    }

    private static long jitter() {
        return ThreadLocalRandom.current().nextLong(WgConstants.REKEY_TIMEOUT_JITTER_MAX_MS * 1_000_000L);
    }

    private static long deadline(long now, long delay) {
        long d = now + delay;
        return d == 0 ? 1 : d;
    }

    void dataSent(long now) {
        if (newHandshake == 0) {
            newHandshake = deadline(now, WgConstants.KEEPALIVE_TIMEOUT.plus(WgConstants.REKEY_TIMEOUT).toNanos() + jitter());
        }
    }

    void dataReceived(long now) {
        if (sendKeepalive == 0) {
            sendKeepalive = deadline(now, WgConstants.KEEPALIVE_TIMEOUT.toNanos());
        } else {
            needAnotherKeepalive = true;
        }
    }

    void anyAuthenticatedPacketSent() {
        if (sendKeepalive != 0) {
            sendKeepalive = 0;
        }
    }

    void anyAuthenticatedPacketReceived() {
        if (newHandshake != 0) {
            newHandshake = 0;
        }
    }

    void handshakeInitiated(long now) {
        retransmitHandshake = deadline(now, WgConstants.REKEY_TIMEOUT.toNanos() + jitter());
    }

    void handshakeComplete() {
        retransmitHandshake = 0;
        handshakeAttempts = 0;
        sentLastMinuteHandshake = false;
        peer.markHandshakeComplete();
    }

    void sessionDerived(long now) {
        zeroKeyMaterial = deadline(now, WgConstants.REJECT_AFTER_TIME.toNanos() * 3);
    }

    void anyAuthenticatedPacketTraversal(long now) {
        int interval = peer.persistentKeepaliveSeconds;
        if (interval > 0) {
            persistentKeepalive = deadline(now, interval * 1_000_000_000L);
        }
    }

    void stopAll() {
        retransmitHandshake = 0;
        sendKeepalive = 0;
        newHandshake = 0;
        zeroKeyMaterial = 0;
        persistentKeepalive = 0;
    }

    private static boolean due(long deadline, long now) {
        return deadline != 0 && now - deadline >= 0;
    }

    /** Fires every expired timer; called by the device's timer thread. */
    void tick(long now) {
        if (due(retransmitHandshake, now)) {
            retransmitHandshake = 0;
            if (handshakeAttempts > WgConstants.MAX_TIMER_HANDSHAKES) {
                // Give up: drop queued packets, forget keys in a while (wireguard-go behaviour).
                sendKeepalive = 0;
                peer.dropStaged();
                if (zeroKeyMaterial == 0) {
                    zeroKeyMaterial = deadline(now, WgConstants.REJECT_AFTER_TIME.toNanos() * 3);
                }
            } else {
                handshakeAttempts = handshakeAttempts + 1;
                peer.sendHandshakeInitiation(true, now);
            }
        }
        if (due(sendKeepalive, now)) {
            sendKeepalive = 0;
            peer.sendKeepalive();
            if (needAnotherKeepalive) {
                needAnotherKeepalive = false;
                sendKeepalive = deadline(now, WgConstants.KEEPALIVE_TIMEOUT.toNanos());
            }
        }
        if (due(newHandshake, now)) {
            newHandshake = 0;
            peer.sendHandshakeInitiation(false, now);
        }
        if (due(zeroKeyMaterial, now)) {
            zeroKeyMaterial = 0;
            peer.zeroKeyMaterial();
        }
        if (due(persistentKeepalive, now)) {
            persistentKeepalive = 0;
            if (peer.persistentKeepaliveSeconds > 0) {
                peer.sendKeepalive();
            }
        }
    }
}
