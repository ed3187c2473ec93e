package dev.trellis.tun;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A layer-3 TUN device: each read returns one whole IP packet, each write sends one. No packet
 * information header is exchanged: the first byte of every packet is the IP version nibble.
 *
 * <p>Contract: {@link #read} and {@link #write} may be called concurrently from one reader thread
 * and any number of writer threads. After {@link #close()}, a blocked or later {@code read}
 * throws {@link java.nio.channels.ClosedChannelException}, and so does {@code write}.
 */
public interface TunDevice extends AutoCloseable {

    /** The interface name the kernel gave the device (may differ from the one asked for). */
    String name();

    /** The device MTU in bytes. */
    int mtu() throws IOException;

    /**
     * Reads one packet into {@code dst} at its position; the position advances by the packet's
     * length, which is returned. A packet larger than {@code dst.remaining()} is truncated by
     * the kernel, so give at least {@code mtu()} bytes. Blocks until a packet arrives.
     */
    int read(ByteBuffer dst) throws IOException;

    /**
     * Writes the bytes from {@code src}'s position to its limit as one packet; on return the
     * position equals the limit, as with {@link java.nio.channels.WritableByteChannel}.
     */
    void write(ByteBuffer src) throws IOException;

    /**
     * The most packets one {@link #read(ByteBuffer[], int[], int)} may return: 1 for a plain
     * device, more when the kernel hands over segmentation-offload super-packets that the device
     * splits (as wireguard-go's tun.Device.BatchSize).
     */
    default int batchSize() {
        return 1;
    }

    /**
     * Reads at least one packet: packet {@code i} is written into {@code bufs[i]} starting at the
     * absolute index {@code offset} (room the caller keeps in front, e.g. for a header) and its
     * length is stored in {@code sizes[i]}. Buffer positions and limits are not used or changed.
     * Returns the number of packets, at most {@code min(bufs.length, batchSize())}. Blocks until
     * a packet arrives.
     */
    default int read(ByteBuffer[] bufs, int[] sizes, int offset) throws IOException {
        ByteBuffer b = bufs[0].duplicate();
        b.clear().position(offset);
        sizes[0] = read(b);
        return 1;
    }

    /**
     * Writes {@code count} packets, packet {@code i} lying in {@code bufs[i]} from the absolute
     * index {@code offset} for {@code sizes[i]} bytes. A device with offloads may coalesce
     * consecutive segments of one TCP flow into one super-packet (GRO). Buffer positions and
     * limits are not used or changed.
     */
    default void write(ByteBuffer[] bufs, int[] sizes, int count, int offset) throws IOException {
        for (int i = 0; i < count; i++) {
            ByteBuffer b = bufs[i].duplicate();
            b.clear().position(offset).limit(offset + sizes[i]);
            write(b);
        }
    }

    /** Closes the device; blocked readers are woken up. Idempotent. */
    @Override
    void close() throws IOException;
}
