package dev.trellis.engine.wg;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Why packets were dropped, counted rather than logged: bad input from the network must never
 * cost more than an increment. Names are stable; metrics and tests read them.
 */
public final class Counters {
    final LongAdder malformed = new LongAdder();
    final LongAdder unknownReceiver = new LongAdder();
    final LongAdder expiredKeypair = new LongAdder();
    final LongAdder decryptFailed = new LongAdder();
    final LongAdder replayed = new LongAdder();
    final LongAdder badInnerPacket = new LongAdder();
    final LongAdder disallowedSource = new LongAdder();
    final LongAdder noRoute = new LongAdder();
    final LongAdder noEndpoint = new LongAdder();
    final LongAdder queueFull = new LongAdder();
    final LongAdder stagedDropped = new LongAdder();
    final LongAdder handshakeBadMac1 = new LongAdder();
    final LongAdder handshakeFailed = new LongAdder();
    final LongAdder handshakeUnknownPeer = new LongAdder();
    final LongAdder handshakeReplayOrFlood = new LongAdder();
    final LongAdder handshakeRateLimited = new LongAdder();
    final LongAdder handshakeQueueFull = new LongAdder();
    final LongAdder cookieRepliesSent = new LongAdder();
    final LongAdder cookieRepliesAccepted = new LongAdder();
    final LongAdder sendErrors = new LongAdder();
    final LongAdder tunWriteErrors = new LongAdder();

    /** A snapshot, name → count, in a fixed order. */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("malformed", malformed.sum());
        m.put("unknown_receiver", unknownReceiver.sum());
        m.put("expired_keypair", expiredKeypair.sum());
        m.put("decrypt_failed", decryptFailed.sum());
        m.put("replayed", replayed.sum());
        m.put("bad_inner_packet", badInnerPacket.sum());
        m.put("disallowed_source", disallowedSource.sum());
        m.put("no_route", noRoute.sum());
        m.put("no_endpoint", noEndpoint.sum());
        m.put("queue_full", queueFull.sum());
        m.put("staged_dropped", stagedDropped.sum());
        m.put("handshake_bad_mac1", handshakeBadMac1.sum());
        m.put("handshake_failed", handshakeFailed.sum());
        m.put("handshake_unknown_peer", handshakeUnknownPeer.sum());
        m.put("handshake_replay_or_flood", handshakeReplayOrFlood.sum());
        m.put("handshake_rate_limited", handshakeRateLimited.sum());
        m.put("handshake_queue_full", handshakeQueueFull.sum());
        m.put("cookie_replies_sent", cookieRepliesSent.sum());
        m.put("cookie_replies_accepted", cookieRepliesAccepted.sum());
        m.put("send_errors", sendErrors.sum());
        m.put("tun_write_errors", tunWriteErrors.sum());
        return m;
    }
}
