package dev.trellis.engine.wg;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * One packet on its way through the device, with the buffer it lives in. Elements are pooled:
 * the steady state allocates nothing. The packet sits at {@link #HEADROOM} so that the
 * transport header can be written in front of it and encryption can run in place.
 */
final class Element {
    /** Room for the transport header in front of the inner packet. */
    static final int HEADROOM = Messages.TRANSPORT_HEADER_SIZE;

    static final int PENDING = 0;
    static final int DONE = 1;
    static final int FAILED = 2;

    final ByteBuffer buffer;
    /** A second view of {@link #buffer}, for in-place crypto (source and destination differ). */
    final ByteBuffer view;
    /** Inner packet (outbound) or datagram (inbound) length, at {@link #HEADROOM} or 0. */
    int length;
    /** Outbound: the inner packet length before padding (0 = keepalive). */
    int plainLength;
    Peer peer;
    Keypair keypair;
    long counter;
    InetSocketAddress source;
    boolean outbound;
    volatile int state;

    Element(ByteBuffer buffer) {
        this.buffer = buffer;
        this.view = buffer.duplicate();
    }

    void reset() {
        length = 0;
        plainLength = 0;
        peer = null;
        keypair = null;
        counter = 0;
        source = null;
        state = PENDING;
        buffer.clear();
    }
}
