package dev.trellis.engine.netcheck;

import dev.trellis.protocol.stun.StunException;
import dev.trellis.protocol.stun.StunMessage;
import dev.trellis.protocol.stun.TransactionId;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The STUN transactions a socket owner is waiting for, keyed by transaction id: what it needs to
 * implement {@link StunPort} on a socket it reads itself. Register with {@link #expect} before
 * sending the request; hand every datagram the socket receives to {@link #offer}, which
 * consumes STUN and leaves the rest (WireGuard, disco) to the caller.
 *
 * <p>Bounded: at most {@code maxPending} transactions wait at once, so a caller that never
 * cancels costs bounded memory; beyond that {@link #expect} fails at once. A waiter leaves the
 * table however its future completes (answer, cancel, timeout, failure). Thread-safe; futures are
 * completed outside the lock, so their callbacks may call back in.
 */
public final class StunWaiters {
    public static final int DEFAULT_MAX_PENDING = 256;
    private static final int BINDING_ERROR = 0x0111;

    /**
     * Counters since creation: answers delivered to a waiter, error responses delivered, STUN
     * that matched no waiter (late, cancelled, unsolicited or not a response), STUN that failed
     * to parse or carried an unusable address, answers from an address other than the one
     * asked, and {@link #expect} calls refused because the table was full.
     */
    public record Stats(long answered, long errors, long unmatched, long malformed, long wrongSource, long rejected) {}

    private record Waiter(CompletableFuture<InetSocketAddress> future, InetSocketAddress server) {}

    private final int maxPending;
    private final Map<TransactionId, Waiter> pending = new HashMap<>(); // guarded by this
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong unmatched = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong wrongSource = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();

    public StunWaiters() {
        this(DEFAULT_MAX_PENDING);
    }

    public StunWaiters(int maxPending) {
        if (maxPending < 1) {
            throw new IllegalArgumentException("maxPending must be at least 1, got " + maxPending);
        }
        this.maxPending = maxPending;
    }

    /** Waits for the answer to {@code tx} from any source; see {@link #expect(TransactionId, InetSocketAddress)}. */
    public CompletableFuture<InetSocketAddress> expect(TransactionId tx) {
        return expect(tx, null);
    }

    /**
     * Waits for the answer to {@code tx}, accepted only from {@code server} when that is not
     * null. The future fails at once with {@link IllegalStateException} if {@code maxPending}
     * transactions are already waiting or {@code tx} is already pending.
     */
    public CompletableFuture<InetSocketAddress> expect(TransactionId tx, InetSocketAddress server) {
        Objects.requireNonNull(tx, "tx");
        CompletableFuture<InetSocketAddress> future = new CompletableFuture<>();
        Waiter w = new Waiter(future, server);
        String refusal = null;
        synchronized (this) {
            if (pending.size() >= maxPending) {
                refusal = "too many STUN transactions pending (" + maxPending + "); cancel finished ones";
            } else if (pending.putIfAbsent(tx, w) != null) {
                refusal = "STUN transaction " + tx + " is already pending";
            }
        }
        if (refusal != null) {
            rejected.incrementAndGet();
            future.completeExceptionally(new IllegalStateException(refusal));
            return future;
        }
        future.whenComplete((v, e) -> take(tx, w));
        return future;
    }

    /**
     * True if {@code datagram} (position to limit) looks like STUN: at least a header, the first
     * two bits zero and the magic cookie at offset 4. Cheap enough for every datagram on the
     * WireGuard socket; does not move the buffer.
     */
    public static boolean isStunResponse(ByteBuffer datagram) {
        return StunMessage.isStun(datagram);
    }

    /**
     * Hands over one received datagram (position to limit; the buffer does not move). Returns
     * false if it is not STUN (the caller processes it); true if it was STUN and is consumed:
     * a Binding Success with a usable mapped address completes its waiter, an error response
     * fails it, and everything else (unmatched, malformed, from the wrong source) is counted and
     * dropped. Never throws for bad input.
     */
    public boolean offer(ByteBuffer datagram, InetSocketAddress from) {
        if (!isStunResponse(datagram)) {
            return false;
        }
        StunMessage m;
        try {
            m = StunMessage.parse(datagram);
        } catch (StunException e) {
            malformed.incrementAndGet();
            return true;
        }
        boolean success = m.type() == StunMessage.BINDING_SUCCESS;
        if (!success && m.type() != BINDING_ERROR) {
            unmatched.incrementAndGet(); // a request or indication: nothing we wait for
            return true;
        }
        Waiter w;
        synchronized (this) {
            w = pending.get(m.transactionId());
        }
        if (w == null) {
            unmatched.incrementAndGet();
            return true;
        }
        if (w.server() != null && !w.server().equals(from)) {
            wrongSource.incrementAndGet(); // keep waiting: the real answer may still come
            return true;
        }
        if (!success) {
            if (take(m.transactionId(), w)) {
                errors.incrementAndGet();
                w.future().completeExceptionally(new StunException("STUN Binding error response from " + from));
            }
            return true;
        }
        Optional<InetSocketAddress> mapped;
        try {
            mapped = m.mappedAddress();
        } catch (StunException e) {
            mapped = Optional.empty();
        }
        if (mapped.isEmpty()) {
            malformed.incrementAndGet(); // the waiter stays; the caller's deadline ends it
            return true;
        }
        if (take(m.transactionId(), w)) {
            answered.incrementAndGet();
            w.future().complete(mapped.get());
        } else {
            unmatched.incrementAndGet(); // cancelled between the lookup and now
        }
        return true;
    }

    /** Fails every pending waiter with {@code cause}, e.g. when the socket closes. */
    public void failAll(Throwable cause) {
        List<Waiter> all;
        synchronized (this) {
            all = new ArrayList<>(pending.values());
            pending.clear();
        }
        for (Waiter w : all) {
            w.future().completeExceptionally(cause);
        }
    }

    /** How many transactions are waiting now. */
    public synchronized int pending() {
        return pending.size();
    }

    public Stats stats() {
        return new Stats(answered.get(), errors.get(), unmatched.get(), malformed.get(), wrongSource.get(),
                rejected.get());
    }

    /** Removes {@code w} if it is still the waiter for {@code tx}; true if this call removed it. */
    private synchronized boolean take(TransactionId tx, Waiter w) {
        return pending.remove(tx, w);
    }
}
