package dev.trellis.engine.conn;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

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

    /** Sets the firewall mark of outgoing packets (0 clears it); false if not supported. */
    default boolean setMark(int mark) {
        return mark == 0;
    }

    @Override
    void close() throws IOException;
}
