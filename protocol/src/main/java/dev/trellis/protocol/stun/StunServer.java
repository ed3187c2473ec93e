package dev.trellis.protocol.stun;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A STUN server for Binding only: each Binding Request gets a Success Response with
 * XOR-MAPPED-ADDRESS (where the request came from), SOFTWARE and FINGERPRINT; anything else is
 * dropped and counted. One daemon thread reads the socket; the relay runs it with
 * {@code --stun-listen}, and tests on loopback.
 *
 * <p>Amplification: UDP sources can be spoofed, so a server must not answer small with large. A
 * request is at least 20 bytes and our answer at most 64 (IPv6: header 20, XOR-MAPPED-ADDRESS
 * 24, SOFTWARE 12, FINGERPRINT 8), a factor of 3.2 that a per-source-IP token bucket then caps in rate
 * ({@link Limits#perSecond()}, {@link Limits#burst()}). Requests longer than
 * {@link #MAX_REQUEST} are not STUN Binding traffic and are ignored without parsing.
 */
public final class StunServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(StunServer.class.getName());
    /** A Binding Request with every optional attribute fits easily; the rest is not for us. */
    static final int MAX_REQUEST = 1500;
    public static final String SOFTWARE = "trellis";

    /** Per source IP: sustained answers per second, burst, and how many sources are tracked. */
    public record Limits(double perSecond, int burst, int maxSources) {
        public static final Limits DEFAULT = new Limits(10, 20, 65_536);

        public Limits {
            if (!(perSecond > 0) || burst < 1 || maxSources < 1) {
                throw new IllegalArgumentException("STUN limits need perSecond > 0, burst >= 1, maxSources >= 1");
            }
        }
    }

    /**
     * Counters since start: Binding Requests answered (including those whose answer then failed
     * to send, also counted in {@code sendErrors}), datagrams ignored (not a well-formed Binding
     * Request) and requests refused by the rate limit.
     */
    public record Stats(long answered, long ignored, long rateLimited, long sendErrors) {}

    private final InetSocketAddress listen;
    private final SourceRateLimiter limiter;
    private final LongSupplier nanoClock;
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong ignored = new AtomicLong();
    private final AtomicLong rateLimited = new AtomicLong();
    private final AtomicLong sendErrors = new AtomicLong();
    private volatile DatagramChannel channel;
    private volatile InetSocketAddress bound;
    private Thread thread;

    public StunServer(InetSocketAddress listen) {
        this(listen, Limits.DEFAULT, System::nanoTime);
    }

    /** {@code nanoClock} drives the rate limiter; tests pass a fake one. */
    public StunServer(InetSocketAddress listen, Limits limits, LongSupplier nanoClock) {
        this.listen = Objects.requireNonNull(listen, "listen");
        this.limiter = new SourceRateLimiter(limits.perSecond(), limits.burst(), limits.maxSources());
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /** Binds and starts answering. */
    public synchronized StunServer start() throws IOException {
        if (channel != null) {
            throw new IllegalStateException("STUN server already started");
        }
        DatagramChannel ch = DatagramChannel.open(listen.getAddress() instanceof Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            ch.bind(listen);
            bound = (InetSocketAddress) ch.getLocalAddress();
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        channel = ch;
        thread = Thread.ofPlatform().daemon().name("stun-server " + bound).start(this::serve);
        return this;
    }

    /** The bound address (with the real port when started on port 0). */
    public InetSocketAddress address() {
        InetSocketAddress a = bound;
        if (a == null) {
            throw new IllegalStateException("STUN server not started");
        }
        return a;
    }

    public Stats stats() {
        return new Stats(answered.get(), ignored.get(), rateLimited.get(), sendErrors.get());
    }

    private void serve() {
        DatagramChannel ch = channel;
        ByteBuffer in = ByteBuffer.allocate(MAX_REQUEST + 1);
        while (ch.isOpen()) {
            SocketAddress from;
            try {
                in.clear();
                from = ch.receive(in);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!ch.isOpen()) {
                    return;
                }
                LOG.log(Level.FINE, "STUN receive failed", e);
                continue;
            }
            in.flip();
            handle(ch, in, (InetSocketAddress) from);
        }
    }

    private void handle(DatagramChannel ch, ByteBuffer in, InetSocketAddress from) {
        StunMessage request;
        if (in.remaining() > MAX_REQUEST || !StunMessage.isStun(in)) {
            ignored.incrementAndGet();
            return;
        }
        try {
            request = StunMessage.parse(in);
        } catch (StunException e) {
            ignored.incrementAndGet();
            return;
        }
        if (!request.isBindingRequest()) {
            ignored.incrementAndGet();
            return;
        }
        if (!limiter.allow(from.getAddress(), nanoClock.getAsLong())) {
            rateLimited.incrementAndGet();
            return;
        }
        byte[] response = StunMessage.bindingSuccess(request.transactionId(), from, SOFTWARE);
        // Counted before sending, so that a requester that has its answer sees it counted.
        answered.incrementAndGet();
        try {
            ch.send(ByteBuffer.wrap(response), from);
        } catch (IOException e) {
            sendErrors.incrementAndGet();
            LOG.log(Level.FINE, "STUN send failed", e);
        }
    }

    /** Stops the server and waits for its thread; idempotent. */
    @Override
    public synchronized void close() throws IOException {
        DatagramChannel ch = channel;
        if (ch == null) {
            return;
        }
        ch.close();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
