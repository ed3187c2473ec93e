package dev.trellis.engine.netcheck;

import dev.trellis.protocol.stun.StunMessage;
import dev.trellis.protocol.stun.TransactionId;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.UnsupportedAddressTypeException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A {@link StunPort} over a UDP socket of its own, read by one daemon thread: for a standalone
 * netcheck (a CLI run without the WireGuard device) and for tests. Its mapped address is that of
 * this socket, not of the WireGuard one, so a NAT that maps per socket shows another port.
 */
public final class DatagramStunPort implements StunPort, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(DatagramStunPort.class.getName());
    /** A Binding Success is under 100 bytes; anything cut short here fails STUN's length check. */
    private static final int RECEIVE_BUFFER = 2048;

    private final DatagramChannel channel;
    private final InetSocketAddress local;
    private final StunWaiters waiters;
    private final AtomicLong notStun = new AtomicLong();
    private final Thread reader;

    private DatagramStunPort(DatagramChannel channel, StunWaiters waiters) throws IOException {
        this.channel = channel;
        this.local = (InetSocketAddress) channel.getLocalAddress();
        this.waiters = waiters;
        this.reader = Thread.ofPlatform().daemon().name("stun-port " + local).start(this::read);
    }

    /** A dual-stack socket on a free port of every address. */
    public static DatagramStunPort open() throws IOException {
        return open(new InetSocketAddress(0));
    }

    /** A socket bound to {@code bind} (port 0: a free one), IPv4-only if {@code bind} is IPv4. */
    public static DatagramStunPort open(InetSocketAddress bind) throws IOException {
        Objects.requireNonNull(bind, "bind");
        DatagramChannel ch = bind.getAddress().isAnyLocalAddress() || bind.getAddress() instanceof Inet6Address
                ? DatagramChannel.open()
                : DatagramChannel.open(StandardProtocolFamily.INET);
        try {
            ch.bind(bind);
            return new DatagramStunPort(ch, new StunWaiters());
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** The bound address, with the real port. */
    public InetSocketAddress localAddress() {
        return local;
    }

    /** The transactions in flight and the counters of what arrived. */
    public StunWaiters waiters() {
        return waiters;
    }

    /** Datagrams received that were not STUN at all. */
    public long notStunDatagrams() {
        return notStun.get();
    }

    @Override
    public CompletableFuture<InetSocketAddress> bindingRequest(InetSocketAddress server) throws IOException {
        if (server == null || server.isUnresolved()) {
            throw new IllegalArgumentException("STUN server must be a resolved address, got " + server);
        }
        if (!channel.isOpen()) {
            throw new ClosedChannelException();
        }
        TransactionId tx = TransactionId.random();
        CompletableFuture<InetSocketAddress> answer = waiters.expect(tx, server);
        if (answer.isDone()) {
            return answer; // refused: too many pending
        }
        try {
            channel.send(ByteBuffer.wrap(StunMessage.bindingRequest(tx, true)), server);
        } catch (IOException e) {
            answer.cancel(false);
            throw e;
        } catch (UnsupportedAddressTypeException e) {
            answer.cancel(false);
            throw new IOException("cannot send to " + server + " from a socket bound to " + local, e);
        }
        return answer;
    }

    private void read() {
        ByteBuffer in = ByteBuffer.allocate(RECEIVE_BUFFER);
        while (channel.isOpen()) {
            SocketAddress from;
            try {
                from = channel.receive(in.clear());
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!channel.isOpen()) {
                    return;
                }
                LOG.log(Level.FINE, "STUN port receive failed", e);
                continue;
            }
            if (!waiters.offer(in.flip(), (InetSocketAddress) from)) {
                notStun.incrementAndGet();
            }
        }
    }

    /** Closes the socket, waits for the reader and fails what is still pending; idempotent. */
    @Override
    public void close() throws IOException {
        channel.close();
        try {
            reader.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        waiters.failAll(new ClosedChannelException());
    }
}
