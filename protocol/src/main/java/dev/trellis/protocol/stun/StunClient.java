package dev.trellis.protocol.stun;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One STUN Binding transaction: "what address does this server see me at?". Retransmits as
 * RFC 8489 §6.2.1 does, doubling from {@link #INITIAL_RTO} (sends at 0, 100, 300, 700 ms, …)
 * until the timeout, and accepts only a Binding Success from the server's address carrying the
 * transaction id it sent. Netcheck uses it to learn the node's public endpoints.
 */
public final class StunClient {
    public static final Duration INITIAL_RTO = Duration.ofMillis(100);
    private static final int MAX_DATAGRAM = 1500;

    private StunClient() {}

    /**
     * Sends Binding Requests from {@code channel} to {@code server} and returns the mapped
     * address. The channel must be bound (or will be, implicitly, by the first send) and must not
     * be read by anyone else during the call: datagrams that are not the answer are dropped. Its
     * blocking mode is restored before returning.
     *
     * @throws SocketTimeoutException if no answer arrives within {@code timeout}
     * @throws StunException if the answer has no usable mapped address
     */
    public static InetSocketAddress probe(DatagramChannel channel, InetSocketAddress server, Duration timeout)
            throws IOException, StunException {
        Objects.requireNonNull(channel, "channel");
        if (server == null || server.isUnresolved()) {
            throw new IllegalArgumentException("STUN server must be a resolved address, got " + server);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("STUN timeout must be positive, got " + timeout);
        }
        TransactionId id = TransactionId.random();
        ByteBuffer request = ByteBuffer.wrap(StunMessage.bindingRequest(id, true));
        boolean wasBlocking = channel.isBlocking();
        try {
            try (Selector selector = Selector.open()) {
                channel.configureBlocking(false);
                channel.register(selector, SelectionKey.OP_READ);
                return exchange(channel, selector, server, id, request, timeout);
            }
        } finally {
            // The selector is closed by now, so the channel is deregistered and may block again.
            if (wasBlocking && channel.isOpen()) {
                channel.configureBlocking(true);
            }
        }
    }

    private static InetSocketAddress exchange(DatagramChannel channel, Selector selector, InetSocketAddress server,
            TransactionId id, ByteBuffer request, Duration timeout) throws IOException, StunException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long nextSend = start;
        long rto = INITIAL_RTO.toNanos();
        ByteBuffer in = ByteBuffer.allocate(MAX_DATAGRAM);
        while (true) {
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                throw new SocketTimeoutException("no STUN answer from " + server + " within " + timeout.toMillis() + " ms");
            }
            if (now - nextSend >= 0) {
                channel.send(request.rewind(), server);
                nextSend = now + rto;
                rto *= 2;
            }
            long waitNanos = Math.min(deadline, nextSend) - now;
            selector.select(Math.max(1, (waitNanos + 999_999) / 1_000_000));
            selector.selectedKeys().clear();
            SocketAddress from;
            while ((from = channel.receive(in.clear())) != null) {
                Optional<InetSocketAddress> answer = answer(in.flip(), from, server, id);
                if (answer.isPresent()) {
                    return answer.get();
                }
            }
        }
    }

    /** The mapped address if {@code datagram} is the answer; empty for anything else on the socket. */
    static Optional<InetSocketAddress> answer(ByteBuffer datagram, SocketAddress from, InetSocketAddress server,
            TransactionId id) throws StunException {
        if (!server.equals(from) || !StunMessage.isStun(datagram)) {
            return Optional.empty();
        }
        StunMessage m;
        try {
            m = StunMessage.parse(datagram);
        } catch (StunException e) {
            return Optional.empty(); // damaged in transit, or not for us: a retransmission may do better
        }
        if (!m.isBindingSuccess() || !m.transactionId().equals(id)) {
            return Optional.empty();
        }
        return Optional.of(m.mappedAddress().orElseThrow(
                () -> new StunException("STUN Binding Success from " + server + " has no mapped address")));
    }
}
