package dev.trellis.tun.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The fd-lifetime guard, without any file descriptor. */
class CloseGuardTest {

    private final CloseGuard guard = new CloseGuard();
    private final AtomicInteger wakes = new AtomicInteger();
    private final AtomicInteger releases = new AtomicInteger();

    @Test
    void closeWithNobodyInsideReleasesOnceAndThenRefusesEntry() throws Exception {
        guard.enter();
        guard.exit();

        guard.close(wakes::incrementAndGet, releases::incrementAndGet);
        guard.close(wakes::incrementAndGet, releases::incrementAndGet);

        assertThat(wakes).hasValue(1);
        assertThat(releases).hasValue(1);
        assertThat(guard.isClosed()).isTrue();
        assertThatThrownBy(guard::enter).isInstanceOf(ClosedChannelException.class);
    }

    @Test
    void releaseWaitsForTheLastUserToLeave() throws Exception {
        guard.enter(); // a reader inside a system call
        guard.enter(); // and a writer
        CountDownLatch woken = new CountDownLatch(1);
        CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> {
            try {
                guard.close(woken::countDown, releases::incrementAndGet);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertThat(woken.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(guard.isClosed()).isTrue();
        assertThatThrownBy(guard::enter).isInstanceOf(ClosedChannelException.class);

        guard.exit();
        assertThat(releases).as("one user still inside").hasValue(0);
        assertThat(closing).isNotDone();

        guard.exit();
        closing.get(10, TimeUnit.SECONDS);
        assertThat(releases).hasValue(1);
    }

    @Test
    void interruptDoesNotReleaseUnderAUserAndIsKept() throws Exception {
        guard.enter();
        CountDownLatch woken = new CountDownLatch(1);
        CompletableFuture<Boolean> interruptedAfter = new CompletableFuture<>();
        Thread closer = Thread.ofPlatform().start(() -> {
            try {
                guard.close(woken::countDown, releases::incrementAndGet);
                interruptedAfter.complete(Thread.currentThread().isInterrupted());
            } catch (Exception e) {
                interruptedAfter.completeExceptionally(e);
            }
        });
        assertThat(woken.await(10, TimeUnit.SECONDS)).isTrue();
        closer.interrupt();
        assertThat(releases).hasValue(0);

        guard.exit();
        assertThat(interruptedAfter.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(releases).hasValue(1);
    }

    @Test
    void concurrentUsersAndCloseNeverReleaseUnderAUser() throws Exception {
        for (int round = 0; round < 200; round++) {
            CloseGuard g = new CloseGuard();
            AtomicInteger inside = new AtomicInteger();
            AtomicInteger violations = new AtomicInteger();
            Thread[] users = new Thread[4];
            for (int i = 0; i < users.length; i++) {
                users[i] = Thread.ofPlatform().start(() -> {
                    for (;;) {
                        try {
                            g.enter();
                        } catch (ClosedChannelException e) {
                            return;
                        }
                        inside.incrementAndGet();
                        Thread.onSpinWait();
                        inside.decrementAndGet();
                        g.exit();
                    }
                });
            }
            g.close(() -> { }, () -> {
                if (inside.get() != 0) {
                    violations.incrementAndGet();
                }
            });
            for (Thread u : users) {
                assertThat(u.join(java.time.Duration.ofSeconds(10))).isTrue();
            }
            assertThat(violations).hasValue(0);
        }
    }
}
