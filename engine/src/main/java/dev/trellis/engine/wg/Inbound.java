package dev.trellis.engine.wg;

import dev.trellis.engine.conn.Bind;
import dev.trellis.engine.crypto.TransportAead;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;

/**
 * The receive path (wireguard-go receive.go): UDP → classify → handshake queue, or index lookup
 * → parallel decryption → per-peer in-order step (replay window, session confirmation,
 * roaming, timers, source check) → TUN.
 */
final class Inbound {
    private final Device device;

    Inbound(Device device) {
        this.device = device;
    }

    /** The receive loop of one of a bind generation's sources, a batch of datagrams per call. */
    void readUdp(Bind.Receiver source, int batchSize) {
        int batch = Math.max(1, Math.min(batchSize, 128));
        Element[] elements = new Element[batch];
        ByteBuffer[] bufs = new ByteBuffer[batch];
        int[] sizes = new int[batch];
        InetSocketAddress[] from = new InetSocketAddress[batch];
        while (device.running()) {
            device.pool().refill(elements, bufs);
            int n;
            try {
                n = source.receive(bufs, sizes, from);
            } catch (ClosedChannelException closed) {
                break;
            } catch (IOException ex) {
                if (device.running()) {
                    device.log().log(Level.WARNING, "UDP receive failed: " + ex.getMessage());
                }
                continue;
            }
            for (int i = 0; i < n; i++) {
                Element e = elements[i];
                elements[i] = null;
                InetSocketAddress src = from[i];
                from[i] = null;
                e.buffer.clear().limit(sizes[i]);
                if (src == null) {
                    device.pool().recycle(e);
                    continue;
                }
                dispatch(e, src);
            }
            device.crypto().dispatch();
        }
        device.pool().recycleAll(elements);
    }

    void dispatch(Element e, InetSocketAddress src) {
        ByteBuffer b = e.buffer;
        int type = Messages.classify(b);
        switch (type) {
            case Messages.TYPE_TRANSPORT -> {
                int receiver = Messages.getIntLE(b, Messages.TRANSPORT_RECEIVER);
                IndexTable.Entry entry = device.indexes().lookup(receiver);
                Keypair k = entry == null ? null : entry.keypair();
                if (k == null) {
                    device.counters().unknownReceiver.increment();
                    device.pool().recycle(e);
                    return;
                }
                if (k.ageNanos(System.nanoTime()) >= WgConstants.REJECT_AFTER_TIME.toNanos()) {
                    device.counters().expiredKeypair.increment();
                    device.pool().recycle(e);
                    return;
                }
                e.keypair = k;
                e.peer = k.peer;
                e.counter = Messages.getLongLE(b, Messages.TRANSPORT_COUNTER);
                e.source = src;
                e.length = b.limit();
                e.outbound = false;
                e.state = Element.PENDING;
                if (!k.peer.inOrder.offer(e)) {
                    device.counters().queueFull.increment();
                    device.pool().recycle(e);
                    return;
                }
                device.crypto().workList().add(e);
            }
            case Messages.TYPE_INITIATION, Messages.TYPE_RESPONSE, Messages.TYPE_COOKIE_REPLY -> {
                byte[] msg = new byte[b.remaining()];
                b.get(b.position(), msg);
                device.pool().recycle(e);
                device.handshakes().submit(msg, src);
            }
            default -> {
                device.counters().malformed.increment();
                device.pool().recycle(e);
            }
        }
    }

    /** Worker step: authenticates and decrypts in place; the plaintext starts at HEADROOM. */
    void decrypt(Element e, TransportAead aead) {
        Peer peer = e.peer;
        ByteBuffer b = e.buffer;
        int h = Messages.TRANSPORT_HEADER_SIZE;
        try {
            b.limit(e.length).position(h);
            ByteBuffer dst = e.view;
            dst.clear().position(Element.HEADROOM);
            int n = aead.open(e.keypair.receiveKey, e.counter, b, dst);
            e.plainLength = n;
            e.state = Element.DONE;
        } catch (Exception ex) {
            e.state = Element.FAILED;
        }
        // e may be delivered and recycled by another thread as soon as its state is published
        peer.inOrder.drain();
    }

    /** The in-order receive step of one peer: batches inner packets into one TUN write. */
    final class PeerWriter implements OrderedQueue.Sink {
        private final Peer p;

        PeerWriter(Peer p) {
            this.p = p;
        }

        @Override
        public void accept(Element e) {
            if (deliver(p, e) && p.writeCount == Peer.BATCH) {
                writeBatch(p);
            }
        }

        @Override
        public void flush() {
            writeBatch(p);
        }
    }

    /**
     * The in-order step for one decrypted element. Returns true if the inner packet was queued
     * in the peer's write batch (which then owns the element); otherwise the element is recycled.
     */
    private boolean deliver(Peer p, Element e) {
        boolean queued = false;
        try {
            if (e.state != Element.DONE) {
                device.counters().decryptFailed.increment();
                return false;
            }
            Keypair k = e.keypair;
            if (!k.replay.accept(e.counter, WgConstants.REJECT_AFTER_MESSAGES)) {
                device.counters().replayed.increment();
                return false;
            }
            long now = System.nanoTime();
            if (p.receivedWith(k)) {
                p.timers.handshakeComplete();
                device.outbound().flushAndDispatch(p);
            }
            if (!e.source.equals(p.endpoint)) {
                p.endpoint = e.source; // roaming: follow the latest authenticated source
            }
            keepKeyFresh(p, now);
            p.timers.anyAuthenticatedPacketTraversal(now);
            p.timers.anyAuthenticatedPacketReceived();
            p.rxBytes.add(e.length);
            int n = e.plainLength;
            if (n == 0) {
                return false; // keepalive
            }
            p.timers.dataReceived(now);
            int total = checkInner(p, e.buffer, n);
            if (total < 0) {
                return false;
            }
            p.writeBatch[p.writeCount] = e;
            p.writeBufs[p.writeCount] = e.buffer;
            p.writeSizes[p.writeCount] = total;
            p.writeCount++;
            queued = true;
            return true;
        } finally {
            if (!queued) {
                device.pool().recycle(e);
            }
        }
    }

    /** Writes the peer's queued inner packets to the TUN in one batched call. Holds the queue's lock. */
    private void writeBatch(Peer p) {
        int n = p.writeCount;
        if (n == 0) {
            return;
        }
        try {
            device.tun().write(p.writeBufs, p.writeSizes, n, Element.HEADROOM);
        } catch (IOException ex) {
            device.counters().tunWriteErrors.increment();
        } finally {
            for (int i = 0; i < n; i++) {
                device.pool().recycle(p.writeBatch[i]);
                p.writeBatch[i] = null;
                p.writeBufs[i] = null;
            }
            p.writeCount = 0;
        }
    }

    private void keepKeyFresh(Peer p, long now) {
        if (p.timers.sentLastMinuteHandshake) {
            return;
        }
        Keypair cur = p.current;
        if (cur != null && cur.initiator && cur.ageNanos(now) > device.constants().rejectSoonNanos()) {
            p.timers.sentLastMinuteHandshake = true;
            p.sendHandshakeInitiation(false);
        }
    }

    private static int u16(ByteBuffer b, int off) {
        return (b.get(off) & 0xff) << 8 | (b.get(off + 1) & 0xff);
    }

    /**
     * Checks the inner IP header and that the peer may use its source address (cryptokey
     * routing, inbound half). Returns the packet's length per its header, or -1 (counted).
     */
    private int checkInner(Peer p, ByteBuffer b, int n) {
        int h = Element.HEADROOM;
        int version = (b.get(h) >>> 4) & 0xf;
        int total;
        Peer owner;
        if (version == 4 && n >= 20) {
            total = u16(b, h + 2);
            owner = device.allowedIps().lookup(b, h + 12, 4);
            if (total < 20) {
                total = -1;
            }
        } else if (version == 6 && n >= 40) {
            total = 40 + u16(b, h + 4);
            owner = device.allowedIps().lookup(b, h + 8, 16);
        } else {
            device.counters().badInnerPacket.increment();
            return -1;
        }
        if (total < 0 || total > n) {
            device.counters().badInnerPacket.increment();
            return -1;
        }
        if (owner != p) {
            device.counters().disallowedSource.increment();
            return -1;
        }
        return total;
    }
}
