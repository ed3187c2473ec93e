package dev.trellis.engine.wg;

import dev.trellis.engine.crypto.AeadKey;
import dev.trellis.engine.crypto.Tai64n;
import dev.trellis.protocol.key.NodePublicKey;
import dev.trellis.protocol.key.PresharedKey;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * A remote WireGuard peer: its handshake, its three keypair slots (previous, current, next),
 * endpoint, counters, timers and the queues that keep its packets in order. Protocol steps that
 * need the device (sending, index table) go through {@link #device}.
 */
final class Peer {
    static final int STAGED_LIMIT = 128;
    static final int ORDER_QUEUE = 1024;

    final Device device;
    final NodePublicKey publicKey;
    final Handshake handshake;
    final CookieGenerator cookies;
    final Timers timers = new Timers(this);

    // keypair slots: writes under keypairLock; current/next also read lock-free on the data path
    private final Object keypairLock = new Object();
    volatile Keypair current;
    volatile Keypair next;
    private Keypair previous;

    volatile InetSocketAddress endpoint;
    volatile int persistentKeepaliveSeconds;
    private volatile Instant lastHandshake;
    final LongAdder rxBytes = new LongAdder();
    final LongAdder txBytes = new LongAdder();
    volatile boolean removed;

    /** Packets waiting for a session; oldest dropped when full. Guarded by sendLock. */
    final ArrayBlockingQueue<Element> staged = new ArrayBlockingQueue<>(STAGED_LIMIT);
    /** Counter assignment and entry into {@link #outOrder} happen atomically under this lock. */
    final Object sendLock = new Object();
    final OrderedQueue outOrder;
    final OrderedQueue inOrder;
    /** Scratch arrays for batched sends and TUN writes, used only under the queues' locks. */
    final Element[] sendBatch = new Element[BATCH];
    final java.nio.ByteBuffer[] sendBufs = new java.nio.ByteBuffer[BATCH];
    final int[] sendSizes = new int[BATCH];
    final Element[] writeBatch = new Element[BATCH];
    final java.nio.ByteBuffer[] writeBufs = new java.nio.ByteBuffer[BATCH];
    final int[] writeSizes = new int[BATCH];
    int writeCount;
    static final int BATCH = 64;

    Peer(Device device, NodePublicKey publicKey) {
        this.device = device;
        this.publicKey = publicKey;
        this.handshake = new Handshake(publicKey);
        this.cookies = new CookieGenerator(publicKey.toBytes());
        this.outOrder = new OrderedQueue(ORDER_QUEUE, device.outbound().new PeerSender(this));
        this.inOrder = new OrderedQueue(ORDER_QUEUE, device.inbound().new PeerWriter(this));
    }

    Instant lastHandshake() {
        return lastHandshake;
    }

    void markHandshakeComplete() {
        lastHandshake = device.clock().instant();
    }

    void setPresharedKey(PresharedKey psk) {
        synchronized (handshake) {
            handshake.presharedKey = psk;
        }
    }

    PresharedKey presharedKey() {
        synchronized (handshake) {
            return handshake.presharedKey;
        }
    }

    /** The keypair to send with now, or null if a handshake is needed first. */
    Keypair sendableKeypair(long now) {
        Keypair k = current;
        if (k == null || k.ageNanos(now) >= WgConstants.REJECT_AFTER_TIME.toNanos()
                || Long.compareUnsigned(k.sendCounter.get(), WgConstants.REJECT_AFTER_MESSAGES) >= 0) {
            return null;
        }
        return k;
    }

    /** Starts a handshake unless one was sent less than REKEY_TIMEOUT ago (whitepaper §6.1). */
    void sendHandshakeInitiation(boolean retry) {
        sendHandshakeInitiation(retry, System.nanoTime());
    }

    /** As {@link #sendHandshakeInitiation(boolean)}, at time {@code now} (timers pass theirs). */
    void sendHandshakeInitiation(boolean retry, long now) {
        if (!retry) {
            timers.handshakeAttempts = 0;
        }
        if (removed) {
            return;
        }
        Noise.Identity self = device.identity();
        InetSocketAddress to = endpoint;
        if (self == null) {
            return;
        }
        byte[] msg = new byte[Messages.INITIATION_SIZE];
        synchronized (handshake) {
            if (handshake.sentAnyInitiation
                    && now - handshake.lastSentInitiationNanos < WgConstants.REKEY_TIMEOUT.toNanos()) {
                return;
            }
            handshake.lastSentInitiationNanos = now;
            handshake.sentAnyInitiation = true;
            device.indexes().remove(handshake.localIndex);
            int index = device.indexes().newHandshakeIndex(this);
            try {
                Noise.createInitiation(self, handshake, index, Tai64n.now(device.clock()), msg);
            } catch (GeneralSecurityException e) {
                device.indexes().remove(index);
                handshake.clear();
                device.log().log(Level.DEBUG, () -> publicKey.shortString() + ": cannot create initiation: " + e.getMessage());
                return;
            }
        }
        cookies.addMacs(msg, now);
        timers.anyAuthenticatedPacketTraversal(now);
        timers.anyAuthenticatedPacketSent();
        if (to == null) {
            device.log().log(Level.DEBUG, () -> publicKey.shortString() + ": no endpoint, handshake not sent");
        } else {
            device.log().log(Level.DEBUG, () -> publicKey.shortString() + ": sending handshake initiation");
            device.sendRaw(ByteBuffer.wrap(msg), to, this);
        }
        timers.handshakeInitiated(now);
    }

    /** Queues an empty packet: the peer learns we are alive and confirms a fresh session. */
    void sendKeepalive() {
        if (staged.isEmpty()) {
            Element e = device.pool().take();
            e.length = 0;
            e.peer = this;
            e.outbound = true;
            stage(e);
        }
        device.outbound().flushAndDispatch(this);
    }

    /** Adds to the staging queue, dropping the oldest packet if it is full. */
    void stage(Element e) {
        synchronized (sendLock) {
            while (!staged.offer(e)) {
                Element old = staged.poll();
                if (old != null) {
                    device.counters().stagedDropped.increment();
                    device.pool().recycle(old);
                }
            }
        }
    }

    void dropStaged() {
        synchronized (sendLock) {
            Element e;
            while ((e = staged.poll()) != null) {
                device.pool().recycle(e);
            }
        }
    }

    /** Installs the keypair of a just-finished handshake (wireguard-go BeginSymmetricSession). */
    Keypair beginSession(Noise.Session s, long now) {
        boolean initiator = s.initiator();
        Keypair k = new Keypair(this, new AeadKey(s.sendKey()), new AeadKey(s.receiveKey()), initiator, now,
                s.localIndex(), s.remoteIndex());
        Handshake.wipe(s.sendKey());
        Handshake.wipe(s.receiveKey());
        device.indexes().swapToKeypair(s.localIndex(), k);
        synchronized (keypairLock) {
            Keypair prev = previous;
            Keypair cur = current;
            Keypair nxt = next;
            if (initiator) {
                if (nxt != null) {
                    next = null;
                    previous = nxt;
                    retire(cur);
                } else {
                    previous = cur;
                }
                retire(prev);
                current = k;
            } else {
                next = k;
                retire(nxt);
                previous = null;
                retire(prev);
            }
        }
        return k;
    }

    /**
     * Called for every authenticated transport packet: the first packet under the responder's
     * "next" keypair confirms it, and it becomes current. Returns true on that rotation.
     */
    boolean receivedWith(Keypair k) {
        if (next != k) {
            return false;
        }
        synchronized (keypairLock) {
            if (next != k) {
                return false;
            }
            retire(previous);
            previous = current;
            current = k;
            next = null;
            return true;
        }
    }

    private void retire(Keypair k) {
        if (k != null) {
            device.indexes().remove(k.localIndex);
        }
    }

    /** Forgets every key and the handshake in progress (timer zeroKeyMaterial, removal). */
    void zeroKeyMaterial() {
        synchronized (keypairLock) {
            retire(previous);
            retire(current);
            retire(next);
            previous = null;
            current = null;
            next = null;
        }
        synchronized (handshake) {
            device.indexes().remove(handshake.localIndex);
            handshake.clear();
        }
    }
}
