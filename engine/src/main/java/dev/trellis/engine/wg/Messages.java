package dev.trellis.engine.wg;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * WireGuard's four message layouts (whitepaper §5.4). All integers on the wire are little
 * endian. Parsing is by offset into a buffer whose length has already been checked against
 * {@link #expectedLength}, so no field is ever read past the datagram.
 */
public final class Messages {
    public static final int TYPE_INITIATION = 1;
    public static final int TYPE_RESPONSE = 2;
    public static final int TYPE_COOKIE_REPLY = 3;
    public static final int TYPE_TRANSPORT = 4;

    public static final int INITIATION_SIZE = 148;
    public static final int RESPONSE_SIZE = 92;
    public static final int COOKIE_REPLY_SIZE = 64;
    public static final int TRANSPORT_HEADER_SIZE = 16;
    public static final int AEAD_TAG_SIZE = 16;
    public static final int TRANSPORT_MIN_SIZE = TRANSPORT_HEADER_SIZE + AEAD_TAG_SIZE;
    /** Largest datagram we accept or build. */
    public static final int MAX_MESSAGE_SIZE = 65535;
    /** Header plus tag: what WireGuard adds to every inner packet (before padding). */
    public static final int TRANSPORT_OVERHEAD = TRANSPORT_HEADER_SIZE + AEAD_TAG_SIZE;

    // initiation offsets
    public static final int INIT_SENDER = 4;
    public static final int INIT_EPHEMERAL = 8;
    public static final int INIT_STATIC = 40;
    public static final int INIT_TIMESTAMP = 88;
    public static final int INIT_MAC1 = 116;
    public static final int INIT_MAC2 = 132;
    // response offsets
    public static final int RESP_SENDER = 4;
    public static final int RESP_RECEIVER = 8;
    public static final int RESP_EPHEMERAL = 12;
    public static final int RESP_EMPTY = 44;
    public static final int RESP_MAC1 = 60;
    public static final int RESP_MAC2 = 76;
    // cookie reply offsets
    public static final int COOKIE_RECEIVER = 4;
    public static final int COOKIE_NONCE = 8;
    public static final int COOKIE_ENCRYPTED = 32;
    // transport offsets
    public static final int TRANSPORT_RECEIVER = 4;
    public static final int TRANSPORT_COUNTER = 8;

    private Messages() {}

    /**
     * The message type of a datagram, or -1 if it is not a well-formed WireGuard message: the
     * first byte names the type, the next three must be zero, and the length must fit the type.
     */
    public static int classify(ByteBuffer b) {
        int len = b.remaining();
        if (len < 4) {
            return -1;
        }
        int p = b.position();
        int type = b.get(p) & 0xff;
        if (b.get(p + 1) != 0 || b.get(p + 2) != 0 || b.get(p + 3) != 0) {
            return -1;
        }
        return switch (type) {
            case TYPE_INITIATION -> len == INITIATION_SIZE ? type : -1;
            case TYPE_RESPONSE -> len == RESPONSE_SIZE ? type : -1;
            case TYPE_COOKIE_REPLY -> len == COOKIE_REPLY_SIZE ? type : -1;
            case TYPE_TRANSPORT -> len >= TRANSPORT_MIN_SIZE && len <= MAX_MESSAGE_SIZE ? type : -1;
            default -> -1;
        };
    }

    public static int getIntLE(byte[] a, int off) {
        return (a[off] & 0xff) | (a[off + 1] & 0xff) << 8 | (a[off + 2] & 0xff) << 16 | (a[off + 3] & 0xff) << 24;
    }

    public static void putIntLE(byte[] a, int off, int v) {
        a[off] = (byte) v;
        a[off + 1] = (byte) (v >>> 8);
        a[off + 2] = (byte) (v >>> 16);
        a[off + 3] = (byte) (v >>> 24);
    }

    // Little-endian views that leave the buffer's own byte order alone: the same buffer later
    // carries big-endian IP headers to the TUN, so flipping its order here would be a trap.
    private static final VarHandle INT_LE = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG_LE = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Reads the little-endian 32-bit field at {@code off} bytes past the buffer's position. */
    public static int getIntLE(ByteBuffer b, int off) {
        return (int) INT_LE.get(b, b.position() + off);
    }

    public static long getLongLE(ByteBuffer b, int off) {
        return (long) LONG_LE.get(b, b.position() + off);
    }

    /** Writes a transport header at the buffer's position (absolute; position unchanged). */
    public static void putTransportHeader(ByteBuffer b, int receiver, long counter) {
        int p = b.position();
        INT_LE.set(b, p, TYPE_TRANSPORT);
        INT_LE.set(b, p + TRANSPORT_RECEIVER, receiver);
        LONG_LE.set(b, p + TRANSPORT_COUNTER, counter);
    }

    /**
     * Padding for an inner packet of {@code len} bytes: up to the next multiple of 16, but
     * never past the MTU (wireguard-go's calculatePaddingSize).
     */
    public static int paddingFor(int len, int mtu) {
        int last = len;
        if (mtu == 0) {
            return ((last + PADDING_MULTIPLE - 1) & ~(PADDING_MULTIPLE - 1)) - last;
        }
        if (last > mtu) {
            last %= mtu;
        }
        int padded = (last + PADDING_MULTIPLE - 1) & ~(PADDING_MULTIPLE - 1);
        if (padded > mtu) {
            padded = mtu;
        }
        return padded - last;
    }

    private static final int PADDING_MULTIPLE = WgConstants.PADDING_MULTIPLE;
}
