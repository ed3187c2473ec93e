package dev.trellis.protocol.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.key.NodePublicKey;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class FrameSenderTest {
    private static final NodePublicKey DST = NodePrivateKey.generate().publicKey();

    /** An output whose writes block until released: a peer that does not read. */
    static final class StuckOutput extends OutputStream {
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch entered = new CountDownLatch(1);

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IOException("interrupted");
            }
        }
    }

    @Test
    void framesArriveWholeAndInOrderWhetherBatchedOrNot() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (FrameSender s = new FrameSender("test", out, 10_000, 64L << 20, Duration.ZERO, e -> { })) {
            for (int i = 0; i < 3000; i++) {
                assertThat(s.offer(new RelayFrame.SendPacket(DST, packet(i)))).isTrue();
            }
            assertThat(s.awaitFlushed(Duration.ofSeconds(20))).isTrue();
            assertThat(s.queuedBytes()).isZero();
        }
        FrameReader r = new FrameReader(new ByteArrayInputStream(out.toByteArray()));
        for (int i = 0; i < 3000; i++) {
            assertThat(((RelayFrame.SendPacket) r.read()).payload()).isEqualTo(packet(i));
        }
        assertThat(r.read()).isNull();
    }

    @Test
    void aHeldSenderWritesNothingUntilStartedThenAllInOrder() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (FrameSender s = FrameSender.held("held", out, 100, 1L << 20, null, Duration.ZERO, e -> { })) {
            for (int i = 0; i < 3; i++) {
                assertThat(s.offer(new RelayFrame.SendPacket(DST, packet(i)))).isTrue();
            }
            // Not started: there is no writer to flush anything, so the wait can only end unflushed.
            assertThat(s.awaitFlushed(Duration.ofMillis(100))).isFalse();
            assertThat(out.size()).isZero();
            s.start();
            s.start(); // a second start does nothing
            assertThat(s.awaitFlushed(Duration.ofSeconds(20))).isTrue();
        }
        FrameReader r = new FrameReader(new ByteArrayInputStream(out.toByteArray()));
        for (int i = 0; i < 3; i++) {
            assertThat(((RelayFrame.SendPacket) r.read()).payload()).isEqualTo(packet(i));
        }
        assertThat(r.read()).isNull();
    }

    @Test
    void sendersSharingABudgetStayWithinItAndGiveEveryByteBack() throws Exception {
        QueueBudget budget = new QueueBudget(100_000, 0, 0);
        StuckOutput o1 = new StuckOutput();
        StuckOutput o2 = new StuckOutput();
        FrameSender s1 = new FrameSender("one", o1, 1000, 1L << 20, budget, Duration.ZERO, e -> { });
        FrameSender s2 = new FrameSender("two", o2, 1000, 1L << 20, budget, Duration.ZERO, e -> { });
        RelayFrame packet = new RelayFrame.SendPacket(DST, new byte[963]); // 1000 bytes with header and key
        // each writer takes one packet and sticks in its write: out of the queue and the budget
        assertThat(s1.tryOffer(packet)).isEqualTo(FrameSender.Offer.QUEUED);
        assertThat(s2.tryOffer(packet)).isEqualTo(FrameSender.Offer.QUEUED);
        o1.entered.await();
        o2.entered.await();
        int queued = 0;
        FrameSender.Offer last;
        while ((last = (queued % 2 == 0 ? s1 : s2).tryOffer(packet)) == FrameSender.Offer.QUEUED) {
            queued++;
        }
        assertThat(last).isEqualTo(FrameSender.Offer.OVER_BUDGET);
        assertThat(queued).isEqualTo(100);
        assertThat(budget.used()).isEqualTo(100_000);
        // control frames are counted but never refused
        assertThat(s2.tryOffer(new RelayFrame.Pong(new byte[8]))).isEqualTo(FrameSender.Offer.QUEUED);
        assertThat(budget.used()).isEqualTo(100_000 + 13);
        assertThat(s1.awaitFlushed(Duration.ofMillis(50))).as("stuck").isFalse();

        s1.close();
        s2.close();
        assertThat(budget.used()).isZero();
        assertThat(s1.tryOffer(packet)).isEqualTo(FrameSender.Offer.CLOSED);
        assertThat(budget.used()).isZero();
        o1.release.countDown();
        o2.release.countDown();
    }

    @Test
    void theReserveIsLeftForShortQueues() throws Exception {
        QueueBudget budget = new QueueBudget(10_000, 2_000, 1_500);
        StuckOutput stuck = new StuckOutput();
        StuckOutput stuckToo = new StuckOutput();
        FrameSender longQueue = new FrameSender("long", stuck, 1000, 1L << 20, budget, Duration.ZERO, e -> { });
        FrameSender shortQueue = new FrameSender("short", stuckToo, 1000, 1L << 20, budget, Duration.ZERO, e -> { });
        RelayFrame packet = new RelayFrame.SendPacket(DST, new byte[963]);
        longQueue.offer(packet);
        shortQueue.offer(packet);
        stuck.entered.await();
        stuckToo.entered.await();
        int n = 0;
        while (longQueue.offer(packet)) {
            n++;
        }
        assertThat(n).as("the long queue stops at max - reserve").isEqualTo(8);
        assertThat(shortQueue.tryOffer(packet)).isEqualTo(FrameSender.Offer.QUEUED);
        assertThat(shortQueue.tryOffer(packet)).as("1,000 + 1,000 is no longer short").isEqualTo(FrameSender.Offer.OVER_BUDGET);
        longQueue.close();
        shortQueue.close();
        assertThat(budget.used()).isZero();
    }

    private static byte[] packet(int i) {
        byte[] b = new byte[1 + (i * 37) % 1500];
        for (int j = 0; j < b.length; j++) {
            b[j] = (byte) (i + j);
        }
        return b;
    }
}
