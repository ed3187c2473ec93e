package dev.trellis.desktop.tray;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.desktop.model.Action;
import dev.trellis.desktop.model.Action.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ActionDispatcherTest {

    @Test
    void runsTheHandlerOnItsThreadInOrderPastAFailure() throws Exception {
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        try (ActionDispatcher d = new ActionDispatcher("trellis-tray-test", a -> {
            seen.add(a.kind() + " on " + Thread.currentThread().getName());
            if (a.kind() == Kind.CONNECT) {
                throw new IllegalStateException("the handler failed");
            }
        })) {
            d.dispatch(Action.of(Kind.CONNECT));
            d.dispatch(Action.of(Kind.OPEN_WINDOW));
            assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo("CONNECT on trellis-tray-test");
            assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo("OPEN_WINDOW on trellis-tray-test");
        }
    }

    @Test
    void aStuckHandlerQueuesAtMostSoManyClicks() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        BlockingQueue<Action> seen = new LinkedBlockingQueue<>();
        try (ActionDispatcher d = new ActionDispatcher("trellis-tray-test", a -> {
            entered.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            seen.add(a);
        })) {
            d.dispatch(Action.of(Kind.QUIT));
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 3 * ActionDispatcher.MAX_QUEUED; i++) {
                d.dispatch(Action.copy("click " + i)); // returns at once, queued or dropped
            }
            release.countDown();
            List<Action> got = new ArrayList<>();
            for (int i = 0; i < 1 + ActionDispatcher.MAX_QUEUED; i++) {
                got.add(seen.poll(10, TimeUnit.SECONDS));
            }
            assertThat(got.getFirst()).isEqualTo(Action.of(Kind.QUIT));
            assertThat(got.getLast()).isEqualTo(Action.copy("click " + (ActionDispatcher.MAX_QUEUED - 1)));
        }
    }

    @Test
    void afterCloseClicksAreDropped() {
        List<Action> seen = new ArrayList<>();
        ActionDispatcher d = new ActionDispatcher("trellis-tray-test", seen::add);
        d.close();
        d.dispatch(Action.of(Kind.QUIT));
        d.close();
        assertThat(seen).isEmpty();
    }
}
