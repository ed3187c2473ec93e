package dev.trellis.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Watches every simulated node's map stream for one new peer at a time. A node has "seen" the
 * peer when a message on its stream contains the peer's node key as a JSON string
 * ({@code "nodekey:…"}): the key is random and appears in a map only where that peer is
 * described, so a byte search is exact and far cheaper than decoding every delta, which would
 * otherwise load the generator more than the coordinator.
 */
final class JoinProbe {
    /** One join being watched: when each watched node first saw the new peer (nanoTime, 0 = not yet). */
    private record Target(byte[] pattern, AtomicLongArray seenAt, CountDownLatch remaining) {}

    private final int watched;
    private volatile Target target;
    final LongAdder messages = new LongAdder();
    final LongAdder bytes = new LongAdder();
    final AtomicLong lastMessageNanos = new AtomicLong(System.nanoTime());

    /** @param watched nodes 0..watched-1 are measured; higher indices (the joiners) are not */
    JoinProbe(int watched) {
        this.watched = watched;
    }

    /** Starts watching for the node whose key text is {@code nodeKeyText}. */
    void watch(String nodeKeyText) {
        byte[] pattern = ("\"" + nodeKeyText + "\"").getBytes(StandardCharsets.US_ASCII);
        target = new Target(pattern, new AtomicLongArray(watched), new CountDownLatch(watched));
    }

    /** Called by node {@code index}'s reader for every message, right after it was decrypted. */
    void onMessage(int index, byte[] message, long nowNanos) {
        messages.increment();
        bytes.add(message.length);
        lastMessageNanos.set(nowNanos);
        Target t = target;
        if (t == null || index >= watched || t.seenAt.get(index) != 0) {
            return;
        }
        if (indexOf(message, t.pattern) >= 0 && t.seenAt.compareAndSet(index, 0, nowNanos)) {
            t.remaining.countDown();
        }
    }

    /** Waits until every watched node saw the peer; false on timeout. */
    boolean await(Duration timeout) throws InterruptedException {
        return target.remaining.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Ends the watch; returns each watched node's time of sight (0 = never). */
    long[] finish() {
        Target t = target;
        target = null;
        long[] out = new long[watched];
        for (int i = 0; i < watched; i++) {
            out[i] = t.seenAt.get(i);
        }
        return out;
    }

    /** Waits until no message arrived for {@code quiet}, or {@code max} passed; false if the latter. */
    boolean awaitQuiet(Duration quiet, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            long idle = System.nanoTime() - lastMessageNanos.get();
            if (idle >= quiet.toNanos()) {
                return true;
            }
            Thread.sleep(Math.max(1, (quiet.toNanos() - idle) / 1_000_000));
        }
        return false;
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        int last = haystack.length - needle.length;
        byte first = needle[0];
        outer:
        for (int i = 0; i <= last; i++) {
            if (haystack[i] != first) {
                continue;
            }
            for (int j = 1; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
