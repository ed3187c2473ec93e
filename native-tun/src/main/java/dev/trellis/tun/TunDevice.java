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

    /** Writes the bytes from {@code src}'s position to its limit as one packet. */
    void write(ByteBuffer src) throws IOException;

    /** Closes the device; blocked readers are woken up. Idempotent. */
    @Override
    void close() throws IOException;
}
