package dev.trellis.engine.wg;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;

/**
 * The send path (wireguard-go send.go): TUN → route by destination → stage → counter and
 * in-order queue → parallel encryption → in-order transmission per peer.
 */
final class Outbound {
    private final Device device;

    Outbound(Device device) {
        this.device = device;
    }

    /** The TUN reader loop: one thread. */
    void readTun() {
        int tagRoom = Messages.AEAD_TAG_SIZE + WgConstants.PADDING_MULTIPLE;
        while (device.running()) {
            Element e = device.pool().take();
            ByteBuffer b = e.buffer;
            b.clear().position(Element.HEADROOM).limit(b.capacity() - tagRoom);
            int n;
            try {
                n = device.tun().read(b);
            } catch (ClosedChannelException closed) {
                device.pool().recycle(e);
                return;
            } catch (IOException ex) {
                device.pool().recycle(e);
                if (device.running()) {
                    device.log().log(Level.ERROR, "TUN read failed: " + ex.getMessage());
                    device.fail(ex);
                }
                return;
            }
            Peer p = route(b, n);
            if (p == null) {
                device.counters().noRoute.increment();
                device.pool().recycle(e);
                continue;
            }
            e.length = n;
            e.peer = p;
            e.outbound = true;
            p.stage(e);
            flushStaged(p);
        }
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

    /** Moves staged packets into the encryption pipeline if there is a usable session. */
    void flushStaged(Peer p) {
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
                device.crypto().submit(e);
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
        ByteBuffer b = e.buffer;
        int len = e.length;
        int pad = Messages.paddingFor(len, device.mtu());
        int h = Element.HEADROOM;
        for (int i = 0; i < pad; i++) {
            b.put(h + len + i, (byte) 0);
        }
        try {
            b.limit(h + len + pad).position(h);
            ByteBuffer dst = b.duplicate();
            dst.clear().position(h);
            int written = aead.seal(e.keypair.sendKey, e.counter, b, dst);
            b.clear();
            Messages.putTransportHeader(b, e.keypair.remoteIndex, e.counter);
            e.state = Element.DONE;
            e.plainLength = len;
            e.length = h + written;
        } catch (Exception ex) {
            e.state = Element.FAILED;
        }
        drain(e.peer);
    }

    /** Sends every finished packet at the head of the peer's queue, in order (combining). */
    void drain(Peer p) {
        while (true) {
            if (!p.outDrain.tryLock()) {
                return;
            }
            try {
                Element e;
                while ((e = p.outOrder.peek()) != null && e.state != Element.PENDING) {
                    p.outOrder.poll();
                    transmit(p, e);
                }
            } finally {
                p.outDrain.unlock();
            }
            Element head = p.outOrder.peek();
            if (head == null || head.state == Element.PENDING) {
                return;
            }
        }
    }

    private void transmit(Peer p, Element e) {
        try {
            if (e.state != Element.DONE) {
                return;
            }
            InetSocketAddress to = p.endpoint;
            if (to == null) {
                device.counters().noEndpoint.increment();
                return;
            }
            ByteBuffer b = e.buffer;
            b.limit(e.length).position(0);
            if (!device.sendRaw(b, to, p)) {
                return;
            }
            long now = System.nanoTime();
            p.timers.anyAuthenticatedPacketTraversal(now);
            p.timers.anyAuthenticatedPacketSent();
            if (e.plainLength > 0) {
                p.timers.dataSent(now);
            }
        } finally {
            device.pool().recycle(e);
        }
    }
}
