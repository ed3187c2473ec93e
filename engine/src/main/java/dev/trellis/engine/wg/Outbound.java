package dev.trellis.engine.wg;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import dev.trellis.tun.TunDevice;

/**
 * The send path (wireguard-go send.go): TUN → route by destination → stage → counter and
 * in-order queue → parallel encryption → in-order transmission per peer.
 */
final class Outbound {
    private final Device device;

    Outbound(Device device) {
        this.device = device;
    }

    /** The TUN reader loop: one thread, reading a batch of packets per call where it can. */
    void readTun() {
        TunDevice tun = device.tun();
        int batch = Math.max(1, Math.min(tun.batchSize(), 128));
        Element[] elements = new Element[batch];
        ByteBuffer[] bufs = new ByteBuffer[batch];
        int[] sizes = new int[batch];
        Peer[] touched = new Peer[batch];
        while (device.running()) {
            device.pool().refill(elements, bufs);
            int n;
            try {
                n = tun.read(bufs, sizes, Element.HEADROOM);
            } catch (ClosedChannelException closed) {
                break;
            } catch (IOException ex) {
                if (device.running()) {
                    device.log().log(Level.ERROR, "TUN read failed: " + ex.getMessage());
                    device.fail(ex);
                }
                break;
            }
            int peers = 0;
            for (int i = 0; i < n; i++) {
                Element e = elements[i];
                Peer p = route(e.buffer, sizes[i]);
                if (p == null) {
                    device.counters().noRoute.increment();
                    continue; // the element stays in the reader's array for the next read
                }
                elements[i] = null;
                e.length = sizes[i];
                e.peer = p;
                e.outbound = true;
                p.stage(e);
                if (peers == 0 || touched[peers - 1] != p) {
                    touched[peers++] = p;
                }
            }
            for (int i = 0; i < peers; i++) {
                flushStaged(touched[i]);
                touched[i] = null;
            }
            device.crypto().dispatch();
        }
        device.pool().recycleAll(elements);
    }

    private Peer route(ByteBuffer b, int n) {
        int h = Element.HEADROOM;
        if (n < 1) {
            return null;
        }
        int version = (b.get(h) >>> 4) & 0xf;
        if (version == 4 && n >= 20) {
            return device.allowedIps().lookup(b, h + 16, 4);
        }
        if (version == 6 && n >= 40) {
            return device.allowedIps().lookup(b, h + 24, 16);
        }
        return null;
    }

    /** Flushes one peer's staged packets and encrypts and sends them now. */
    void flushAndDispatch(Peer p) {
        flushStaged(p);
        device.crypto().dispatch();
    }

    /**
     * Moves staged packets into the peer's in-order queue and this thread's work list if there
     * is a usable session, else starts a handshake. The caller then calls
     * {@code crypto().dispatch()}.
     */
    void flushStaged(Peer p) {
        WorkList work = device.crypto().workList();
        boolean needHandshake = false;
        Keypair used = null;
        synchronized (p.sendLock) {
            while (!p.staged.isEmpty()) {
                long now = System.nanoTime();
                Keypair k = p.sendableKeypair(now);
                if (k == null) {
                    needHandshake = true;
                    break;
                }
                long counter = k.sendCounter.getAndIncrement();
                if (Long.compareUnsigned(counter, WgConstants.REJECT_AFTER_MESSAGES) >= 0) {
                    needHandshake = true;
                    break;
                }
                Element e = p.staged.poll();
                e.keypair = k;
                e.counter = counter;
                e.state = Element.PENDING;
                used = k;
                if (!p.outOrder.offer(e)) {
                    device.counters().queueFull.increment();
                    device.pool().recycle(e);
                    continue;
                }
                work.add(e);
            }
        }
        if (needHandshake) {
            p.sendHandshakeInitiation(false);
        } else if (used != null) {
            keepKeyFresh(p, used);
        }
    }

    private void keepKeyFresh(Peer p, Keypair k) {
        if (Long.compareUnsigned(k.sendCounter.get(), WgConstants.REKEY_AFTER_MESSAGES) > 0
                || (k.initiator && k.ageNanos(System.nanoTime()) > device.constants().rekeyAfterNanos())) {
            p.sendHandshakeInitiation(false);
        }
    }

    /** Worker step: pads and encrypts in place, writing the transport header in front. */
    void encrypt(Element e, dev.trellis.engine.crypto.TransportAead aead) {
        Peer peer = e.peer;
        ByteBuffer b = e.buffer;
        int len = e.length;
        int pad = Messages.paddingFor(len, device.mtu());
        int h = Element.HEADROOM;
        for (int i = 0; i < pad; i++) {
            b.put(h + len + i, (byte) 0);
        }
        try {
            b.limit(h + len + pad).position(h);
            ByteBuffer dst = e.view;
            dst.clear().position(h);
            int written = aead.seal(e.keypair.sendKey, e.counter, b, dst);
            b.clear();
            Messages.putTransportHeader(b, e.keypair.remoteIndex, e.counter);
            e.plainLength = len;
            e.length = h + written;
            e.state = Element.DONE;
        } catch (Exception ex) {
            e.state = Element.FAILED;
        }
        // e may be sent and recycled by another thread as soon as its state is published
        peer.outOrder.drain();
    }

    /** The in-order send step of one peer: batches finished packets into one send call. */
    final class PeerSender implements OrderedQueue.Sink {
        private final Peer p;
        private int n;

        PeerSender(Peer p) {
            this.p = p;
        }

        @Override
        public void accept(Element e) {
            if (e.state != Element.DONE) {
                device.pool().recycle(e);
                return;
            }
            p.sendBatch[n++] = e;
            if (n == Peer.BATCH) {
                flush();
            }
        }

        @Override
        public void flush() {
            if (n > 0) {
                transmit(p, n);
                n = 0;
            }
        }
    }

    /** Sends {@code p.sendBatch[0..n)} in one batched call and recycles them. Holds the queue's lock. */
    private void transmit(Peer p, int n) {
        Element[] batch = p.sendBatch;
        try {
            InetSocketAddress to = p.endpoint;
            if (to == null) {
                device.counters().noEndpoint.add(n);
                return;
            }
            boolean data = false;
            for (int i = 0; i < n; i++) {
                p.sendBufs[i] = batch[i].buffer;
                p.sendSizes[i] = batch[i].length;
                data |= batch[i].plainLength > 0;
            }
            if (!device.sendBatch(p.sendBufs, p.sendSizes, n, to, p)) {
                return;
            }
            long now = System.nanoTime();
            p.timers.anyAuthenticatedPacketTraversal(now);
            p.timers.anyAuthenticatedPacketSent();
            if (data) {
                p.timers.dataSent(now);
            }
        } finally {
            for (int i = 0; i < n; i++) {
                device.pool().recycle(batch[i]);
                batch[i] = null;
                p.sendBufs[i] = null;
            }
        }
    }
}
