package dev.trellis.engine.wg;

import dev.trellis.protocol.key.NodePublicKey;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * Handshake messages, one at a time on their own thread (wireguard-go RoutineHandshake): MAC1
 * always, and under load MAC2 with cookie replies and a per-address rate limit, so that a flood
 * costs the attacker a round trip per message and cannot starve the data path.
 */
final class HandshakeWorker {
    static final int QUEUE_SIZE = 1024;
    private static final long UNDER_LOAD_AFTER = 1_000_000_000L;

    record Message(byte[] bytes, InetSocketAddress source) {}

    private final Device device;
    private final ArrayBlockingQueue<Message> queue = new ArrayBlockingQueue<>(QUEUE_SIZE);
    private final RateLimiter limiter = new RateLimiter();
    private long underLoadUntil;
    private Thread thread;

    HandshakeWorker(Device device) {
        this.device = device;
    }

    void start(String name) {
        thread = device.thread("handshake").start(this::run);
    }

    void stop() {
        if (thread != null) {
            thread.interrupt();
        }
    }

    void submit(byte[] msg, InetSocketAddress source) {
        if (!queue.offer(new Message(msg, source))) {
            device.counters().handshakeQueueFull.increment();
        }
    }

    /** Forced load state for tests; otherwise derived from the queue's length. */
    volatile boolean forceUnderLoad;

    private boolean underLoad(long now) {
        if (forceUnderLoad || queue.size() >= QUEUE_SIZE / 8) {
            underLoadUntil = now + UNDER_LOAD_AFTER;
            return true;
        }
        return now - underLoadUntil < 0;
    }

    private void run() {
        while (true) {
            Message m;
            try {
                m = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            try {
                handle(m.bytes(), m.source(), System.nanoTime());
            } catch (GeneralSecurityException | RuntimeException e) {
                device.counters().handshakeFailed.increment();
                device.log().log(Level.TRACE, () -> "handshake message rejected: " + e);
            }
        }
    }

    void handle(byte[] msg, InetSocketAddress src, long now) throws GeneralSecurityException {
        int type = msg[0];
        if (type == Messages.TYPE_COOKIE_REPLY) {
            IndexTable.Entry entry = device.indexes().lookup(Messages.getIntLE(msg, Messages.COOKIE_RECEIVER));
            if (entry != null && entry.peer().cookies.consumeReply(msg, now)) {
                device.counters().cookieRepliesAccepted.increment();
            } else {
                device.counters().handshakeFailed.increment();
            }
            return;
        }
        Noise.Identity self = device.identity();
        if (self == null || !device.cookieChecker().checkMac1(msg)) {
            device.counters().handshakeBadMac1.increment();
            return;
        }
        if (underLoad(now)) {
            if (!device.cookieChecker().checkMac2(msg, src, now)) {
                int sender = Messages.getIntLE(msg, Messages.INIT_SENDER);
                byte[] reply = device.cookieChecker().createReply(msg, sender, src, now);
                device.counters().cookieRepliesSent.increment();
                device.sendRaw(ByteBuffer.wrap(reply), src, null);
                return;
            }
            if (!limiter.allow(src.getAddress(), now)) {
                device.counters().handshakeRateLimited.increment();
                return;
            }
        }
        if (type == Messages.TYPE_INITIATION) {
            onInitiation(self, msg, src, now);
        } else {
            onResponse(self, msg, src, now);
        }
    }

    private void onInitiation(Noise.Identity self, byte[] msg, InetSocketAddress src, long now)
            throws GeneralSecurityException {
        Noise.InitiationOpening opening = Noise.openInitiation(self, msg);
        Peer peer = device.peer(NodePublicKey.fromBytes(opening.remoteStatic()));
        if (peer == null) {
            device.counters().handshakeUnknownPeer.increment();
            return;
        }
        byte[] response = new byte[Messages.RESPONSE_SIZE];
        Noise.Session session;
        Handshake hs = peer.handshake;
        synchronized (hs) {
            int previousIndex = hs.localIndex;
            if (!Noise.consumeInitiation(opening, hs, msg, now)) {
                device.counters().handshakeReplayOrFlood.increment();
                return;
            }
            device.indexes().remove(previousIndex);
            int index = device.indexes().newHandshakeIndex(peer);
            Noise.createResponse(hs, index, response);
            session = Noise.finish(hs);
        }
        peer.endpoint = src;
        peer.rxBytes.add(msg.length);
        peer.cookies.addMacs(response, now);
        peer.beginSession(session, now);
        peer.timers.sessionDerived(now);
        peer.timers.anyAuthenticatedPacketTraversal(now);
        peer.timers.anyAuthenticatedPacketSent();
        device.log().log(Level.DEBUG, () -> peer.publicKey.shortString() + ": handshake initiation received, responding");
        device.sendRaw(ByteBuffer.wrap(response), src, peer);
    }

    private void onResponse(Noise.Identity self, byte[] msg, InetSocketAddress src, long now)
            throws GeneralSecurityException {
        IndexTable.Entry entry = device.indexes().lookup(Messages.getIntLE(msg, Messages.RESP_RECEIVER));
        if (entry == null || entry.keypair() != null) {
            device.counters().unknownReceiver.increment();
            return;
        }
        Peer peer = entry.peer();
        Noise.Session session;
        Handshake hs = peer.handshake;
        synchronized (hs) {
            if (!Noise.consumeResponse(self, hs, msg)) {
                device.counters().handshakeFailed.increment();
                return;
            }
            session = Noise.finish(hs);
        }
        peer.endpoint = src;
        peer.rxBytes.add(msg.length);
        peer.timers.anyAuthenticatedPacketTraversal(now);
        peer.timers.anyAuthenticatedPacketReceived();
        peer.beginSession(session, now);
        peer.timers.sessionDerived(now);
        peer.timers.handshakeComplete();
        device.log().log(Level.DEBUG, () -> peer.publicKey.shortString() + ": handshake complete (initiator)");
        peer.sendKeepalive();
    }

    /** Per-address token bucket for handshakes under load (wireguard-go ratelimiter: 20/s, burst 5). */
    static final class RateLimiter {
        private static final long PACKET_COST = 1_000_000_000L / 20;
        private static final long MAX_TOKENS = PACKET_COST * 5;
        private static final int MAX_ENTRIES = 1 << 16;
        private final java.util.LinkedHashMap<InetAddress, long[]> buckets =
                new java.util.LinkedHashMap<>(256, 0.75f, true) {
                    @Override
                    protected boolean removeEldestEntry(java.util.Map.Entry<InetAddress, long[]> eldest) {
                        return size() > MAX_ENTRIES;
                    }
                };

        boolean allow(InetAddress addr, long now) {
            long[] b = buckets.get(addr);
            if (b == null) {
                buckets.put(addr, new long[] {MAX_TOKENS - PACKET_COST, now});
                return true;
            }
            long tokens = Math.min(MAX_TOKENS, b[0] + (now - b[1]));
            b[1] = now;
            if (tokens >= PACKET_COST) {
                b[0] = tokens - PACKET_COST;
                return true;
            }
            b[0] = tokens;
            return false;
        }
    }
}
