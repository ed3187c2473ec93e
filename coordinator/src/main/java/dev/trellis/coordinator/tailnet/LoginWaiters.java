package dev.trellis.coordinator.tailnet;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Wakes registrations waiting on a login as soon as this process completes it. Waiters also
 * time out and re-check the store, which covers logins completed by another coordinator.
 */
final class LoginWaiters {
    private final ConcurrentHashMap<String, CountDownLatch> latches = new ConcurrentHashMap<>();

    void await(String requestId, Duration atMost) throws InterruptedException {
        CountDownLatch latch = latches.computeIfAbsent(requestId, k -> new CountDownLatch(1));
        if (latch.await(atMost.toNanos(), TimeUnit.NANOSECONDS)) {
            latches.remove(requestId, latch);
        }
    }

    void wake(String requestId) {
        CountDownLatch latch = latches.remove(requestId);
        if (latch != null) {
            latch.countDown();
        }
    }
}
