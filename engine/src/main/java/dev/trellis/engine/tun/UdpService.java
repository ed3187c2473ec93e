package dev.trellis.engine.tun;

import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * A UDP service the node answers inside the tunnel itself (e.g. DNS at 100.100.100.100:53):
 * the {@link FilteringTun} takes datagrams for it out of the OS's traffic and writes replies
 * back to the OS.
 */
@FunctionalInterface
public interface UdpService {
    /**
     * One datagram from the OS. Called on the TUN reader thread: must not block. Call
     * {@code reply} at most once, from any thread, with the response payload; it throws
     * {@link IllegalArgumentException} (and counts) if the payload does not fit the TUN MTU in
     * one unfragmented datagram, so a service truncates its answer itself (DNS: set TC), and
     * {@link IllegalStateException} on a second call.
     *
     * @param payload the UDP payload, the service's to keep
     * @param from the sender's address and port
     */
    void receive(byte[] payload, InetSocketAddress from, Consumer<byte[]> reply);
}
