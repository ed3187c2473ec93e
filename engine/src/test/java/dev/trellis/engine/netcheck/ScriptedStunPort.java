package dev.trellis.engine.netcheck;

import dev.trellis.engine.testing.Await;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link StunPort} whose answers the test gives, each at a chosen tick of {@link #ticker}, so
 * that latencies are exact. Requests are recorded and never answered on their own; with a
 * delegate, each one is also really sent and its real answer is what {@link #answer} delivers.
 *
 * <p>Exactness: netcheck reads the ticker before sending and again in the answer's callback.
 * {@link #answer} completes a request from the test thread only once netcheck listens to it, so
 * the callback runs right there, at the tick just set.
 */
final class ScriptedStunPort implements StunPort {
    record Request(InetSocketAddress server, CompletableFuture<InetSocketAddress> real,
            CompletableFuture<InetSocketAddress> answer) {}

    final AtomicLong ticker = new AtomicLong();
    private final StunPort delegate;
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    ScriptedStunPort() {
        this(null);
    }

    ScriptedStunPort(StunPort delegate) {
        this.delegate = delegate;
    }

    @Override
    public CompletableFuture<InetSocketAddress> bindingRequest(InetSocketAddress server) throws IOException {
        CompletableFuture<InetSocketAddress> real = delegate == null ? null : delegate.bindingRequest(server);
        Request r = new Request(server, real, new CompletableFuture<>());
        requests.add(r);
        return r.answer();
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    List<Request> requestsTo(InetSocketAddress server) {
        return requests.stream().filter(r -> r.server().equals(server)).toList();
    }

    /** Waits until a request to each of {@code servers} has gone out. */
    void awaitRequests(InetSocketAddress... servers) throws InterruptedException {
        for (InetSocketAddress s : servers) {
            Await.until(() -> !requestsTo(s).isEmpty(), "a request to " + s);
        }
    }

    /**
     * Answers the first request to {@code server} at tick {@code at}, with {@code mapped} or,
     * when that is null, the delegate's real answer.
     */
    void answer(InetSocketAddress server, Duration at, InetSocketAddress mapped) throws Exception {
        awaitRequests(server);
        Request first = requestsTo(server).getFirst();
        Await.until(() -> first.answer().getNumberOfDependents() > 0, "netcheck listens for " + server);
        InetSocketAddress m = mapped != null ? mapped : first.real().get(10, TimeUnit.SECONDS);
        ticker.set(at.toNanos());
        first.answer().complete(m);
    }

    /** Whether every request has been answered or cancelled: netcheck kept nothing open. */
    boolean allSettled() {
        return requests.stream().allMatch(r -> r.answer().isDone());
    }

    /** Cancels the delegate's transactions whose scripted answer netcheck cancelled. */
    void propagateCancels() {
        for (Request r : requests) {
            if (r.real() != null && r.answer().isCancelled()) {
                r.real().cancel(false);
            }
        }
    }
}
