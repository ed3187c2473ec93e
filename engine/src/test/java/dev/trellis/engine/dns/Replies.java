package dev.trellis.engine.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** Collects what a {@link MagicDns} replies to one query, and counts the calls. */
final class Replies implements Consumer<byte[]> {
    static final InetSocketAddress CLIENT = new InetSocketAddress("100.64.0.7", 40_000);

    private final LinkedBlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public void accept(byte[] reply) {
        calls.incrementAndGet();
        queue.add(reply);
    }

    /** The reply, waiting at most {@code timeout}; fails if none came. */
    byte[] await(Duration timeout) throws InterruptedException {
        byte[] r = queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        assertThat(r).as("a reply within %s", timeout).isNotNull();
        return r;
    }

    /** The reply that must already be there (local answers are given synchronously). */
    byte[] now() {
        byte[] r = queue.poll();
        assertThat(r).as("a synchronous reply").isNotNull();
        assertThat(calls.get()).isEqualTo(1);
        return r;
    }

    DnsMessage nowParsed() throws DnsFormatException {
        return DnsMessage.parse(now());
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** Sends {@code query} over UDP and returns the synchronous reply. */
    static DnsMessage ask(MagicDns dns, DnsMessage query) throws DnsFormatException {
        Replies r = new Replies();
        dns.receive(query.encode(), CLIENT, r);
        return r.nowParsed();
    }
}
