package dev.trellis.engine.conn;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The UDP transport of a WireGuard device: one socket (IPv4 and IPv6) on one port.
 *
 * <p>Contract: {@link #receive} is called from one thread at a time, {@link #send} from any
 * number. After {@link #close()}, a blocked or later {@code receive} throws
 * {@link java.nio.channels.ClosedChannelException}. A bind may be opened again after close.
 */
public interface Bind extends AutoCloseable {

    /** Binds to {@code port} on every address (0 = a free port); returns the bound port. */
    int open(int port) throws IOException;

    /**
     * Receives one datagram into {@code dst} at its position (advanced by the length) and
     * returns the sender. A datagram larger than the remaining space is truncated.
     */
    InetSocketAddress receive(ByteBuffer dst) throws IOException;

    /** Sends the bytes from {@code src}'s position to its limit as one datagram. */
    void send(ByteBuffer src, InetSocketAddress to) throws IOException;

    /** The most datagrams one batched call moves (1 when the bind has no batching). */
    default int batchSize() {
        return 1;
    }

    /**
     * Receives at least one datagram: datagram {@code i} goes into {@code bufs[i]} from index 0,
     * its length into {@code sizes[i]} and its sender into {@code from[i]}. Buffer positions and
     * limits are not used or changed. Returns the count, at most {@code min(bufs.length,
     * batchSize())}.
     */
    default int receive(ByteBuffer[] bufs, int[] sizes, InetSocketAddress[] from) throws IOException {
        ByteBuffer b = bufs[0].duplicate();
        b.clear();
        from[0] = receive(b);
        sizes[0] = b.position();
        return 1;
    }

    /**
     * Sends {@code count} datagrams to one destination, datagram {@code i} being
     * {@code bufs[i]} from index 0 for {@code sizes[i]} bytes (as one sendmmsg or one UDP GSO
     * send where the platform has them).
     */
    default void send(ByteBuffer[] bufs, int[] sizes, int count, InetSocketAddress to) throws IOException {
        for (int i = 0; i < count; i++) {
            ByteBuffer b = bufs[i].duplicate();
            b.clear().limit(sizes[i]);
            send(b, to);
        }
    }

    /** One source of received datagrams, with the batched {@link #receive(ByteBuffer[], int[], InetSocketAddress[])} contract. */
    @FunctionalInterface
    interface Receiver {
        /** As {@link Bind#receive(ByteBuffer[], int[], InetSocketAddress[])}; a null sender means "skip this slot". */
        int receive(ByteBuffer[] bufs, int[] sizes, InetSocketAddress[] from) throws IOException;
    }

    /**
     * The sources to read after {@link #open}: the socket, plus any others the bind has (a
     * relay connection, say). The device runs each on a thread of its own, until it throws
     * {@link java.nio.channels.ClosedChannelException} after {@link #close()}.
     */
    default List<Receiver> receivers() {
        return List.of(this::receive);
    }

    /** Sets the firewall mark of outgoing packets (0 clears it); false if not supported. */
    default boolean setMark(int mark) {
        return mark == 0;
    }

    @Override
    void close() throws IOException;
}
