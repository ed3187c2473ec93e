package dev.trellis.engine.netcheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trellis.protocol.stun.StunException;
import dev.trellis.protocol.stun.StunMessage;
import dev.trellis.protocol.stun.TransactionId;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The waiter table: matching, bounds, cleanup on cancel, and datagrams that are not what they claim. */
class StunWaitersTest {
    private static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.2", 3478);
    private static final InetSocketAddress MAPPED = new InetSocketAddress("198.18.1.2", 41641);

    private static ByteBuffer success(TransactionId tx) {
        return ByteBuffer.wrap(StunMessage.bindingSuccess(tx, MAPPED, "test"));
    }

    /** A STUN message with the given type and attributes (no FINGERPRINT). */
    private static ByteBuffer message(int type, TransactionId tx, byte[] attributes) {
        ByteBuffer b = ByteBuffer.allocate(20 + attributes.length);
        b.putShort((short) type).putShort((short) attributes.length).putInt(StunMessage.MAGIC_COOKIE);
        b.put(tx.toBytes()).put(attributes);
        return b.flip();
    }

    @Test
    void aBindingSuccessCompletesItsWaiterAndLeavesTheTable() throws Exception {
        StunWaiters w = new StunWaiters();
        TransactionId tx = TransactionId.random();
        CompletableFuture<InetSocketAddress> f = w.expect(tx);
        assertThat(w.pending()).isEqualTo(1);

        assertThat(w.offer(success(tx), SERVER)).isTrue();

        assertThat(f.get(0, TimeUnit.SECONDS)).isEqualTo(MAPPED);
        assertThat(w.pending()).isZero();
        assertThat(w.stats().answered()).isEqualTo(1);
        // A duplicate answer (a retransmission answered twice) matches nothing now.
        assertThat(w.offer(success(tx), SERVER)).isTrue();
        assertThat(w.stats().unmatched()).isEqualTo(1);
    }

    @Test
    void beyondTheBoundExpectFailsAtOnceAndCancellingMakesRoom() {
        StunWaiters w = new StunWaiters(2);
        CompletableFuture<InetSocketAddress> a = w.expect(TransactionId.random());
        w.expect(TransactionId.random());

        CompletableFuture<InetSocketAddress> refused = w.expect(TransactionId.random());

        assertThat(refused).isCompletedExceptionally();
        assertThatThrownBy(refused::join).hasCauseInstanceOf(IllegalStateException.class)
                .hasMessageContaining("too many STUN transactions pending (2)");
        assertThat(w.stats().rejected()).isEqualTo(1);
        assertThat(w.pending()).isEqualTo(2);

        a.cancel(false);
        assertThat(w.pending()).isEqualTo(1);
        assertThat(w.expect(TransactionId.random())).isNotDone();
    }

    @Test
    void cancelledAndTimedOutWaitersAreRemovedAndTheirLateAnswersIgnored() throws Exception {
        StunWaiters w = new StunWaiters();
        TransactionId cancelled = TransactionId.random();
        w.expect(cancelled).cancel(false);
        TransactionId timedOut = TransactionId.random();
        CompletableFuture<InetSocketAddress> t = w.expect(timedOut).orTimeout(1, TimeUnit.MILLISECONDS);
        assertThatThrownBy(() -> t.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);

        assertThat(w.pending()).isZero();
        assertThat(w.offer(success(cancelled), SERVER)).isTrue();
        assertThat(w.offer(success(timedOut), SERVER)).isTrue();
        assertThat(w.stats().unmatched()).isEqualTo(2);
        assertThat(w.stats().answered()).isZero();
    }

    @Test
    void aDuplicatePendingTransactionIsRefused() {
        StunWaiters w = new StunWaiters();
        TransactionId tx = TransactionId.random();
        w.expect(tx);
        assertThatThrownBy(w.expect(tx)::join).hasMessageContaining("already pending");
        assertThat(w.pending()).isEqualTo(1);
    }

    @Test
    void datagramsThatAreNotStunAreLeftToTheCallerAndNotMoved() {
        StunWaiters w = new StunWaiters();
        // WireGuard handshake initiation: type 1, three zero bytes, then a sender index.
        ByteBuffer wg = ByteBuffer.allocate(148).put(0, (byte) 1).putInt(4, 0x12345678);
        ByteBuffer disco = ByteBuffer.wrap("TS\u00f0\u009f\u0092\u00ac....................".getBytes());
        ByteBuffer shortOne = ByteBuffer.allocate(19).putInt(4, StunMessage.MAGIC_COOKIE).clear();

        for (ByteBuffer b : new ByteBuffer[] {wg, disco, shortOne}) {
            int position = b.position();
            assertThat(StunWaiters.isStunResponse(b)).isFalse();
            assertThat(w.offer(b, SERVER)).isFalse();
            assertThat(b.position()).isEqualTo(position);
        }
        assertThat(w.stats()).isEqualTo(new StunWaiters.Stats(0, 0, 0, 0, 0, 0));
    }

    @Test
    void theCheckReadsFromThePositionAndDoesNotMoveIt() {
        TransactionId tx = TransactionId.random();
        byte[] stun = StunMessage.bindingSuccess(tx, MAPPED, "");
        ByteBuffer b = ByteBuffer.allocate(stun.length + 7);
        b.position(7);
        b.put(stun).position(7);

        assertThat(StunWaiters.isStunResponse(b)).isTrue();
        assertThat(b.position()).isEqualTo(7);

        StunWaiters w = new StunWaiters();
        CompletableFuture<InetSocketAddress> f = w.expect(tx);
        assertThat(w.offer(b, SERVER)).isTrue();
        assertThat(f).isCompletedWithValue(MAPPED);
        assertThat(b.position()).isEqualTo(7);
    }

    @Test
    void malformedStunIsConsumedCountedAndLeavesTheWaiterWaiting() {
        StunWaiters w = new StunWaiters();
        TransactionId tx = TransactionId.random();
        CompletableFuture<InetSocketAddress> f = w.expect(tx);
        byte[] good = StunMessage.bindingSuccess(tx, MAPPED, "test");

        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 4);
        byte[] badFingerprint = good.clone();
        badFingerprint[good.length - 1] ^= 1;
        byte[] overrun = good.clone();
        overrun[22] = 0x7f; // the first attribute now claims more bytes than the message has
        ByteBuffer noAddress = message(StunMessage.BINDING_SUCCESS, tx, new byte[0]);
        // XOR-MAPPED-ADDRESS with family 3 (neither IPv4 nor IPv6).
        ByteBuffer badFamily = message(StunMessage.BINDING_SUCCESS, tx, new byte[] {0, 0x20, 0, 8, 0, 3, 0, 1, 1, 2, 3, 4});
        // XOR-MAPPED-ADDRESS of IPv4 family but 16 address bytes.
        byte[] wrongLength = new byte[24];
        ByteBuffer.wrap(wrongLength).putShort((short) 0x20).putShort((short) 20).put((byte) 0).put((byte) 1);
        ByteBuffer badLength = message(StunMessage.BINDING_SUCCESS, tx, wrongLength);

        for (ByteBuffer b : new ByteBuffer[] {ByteBuffer.wrap(truncated), ByteBuffer.wrap(badFingerprint),
                ByteBuffer.wrap(overrun), noAddress, badFamily, badLength}) {
            assertThat(w.offer(b, SERVER)).isTrue();
        }

        assertThat(w.stats().malformed()).isEqualTo(6);
        assertThat(f).isNotDone();
        assertThat(w.pending()).isEqualTo(1);
        assertThat(w.offer(ByteBuffer.wrap(good), SERVER)).isTrue();
        assertThat(f).isCompletedWithValue(MAPPED);
    }

    @Test
    void anAnswerFromAnotherAddressIsIgnoredWhenTheServerWasNamed() {
        StunWaiters w = new StunWaiters();
        TransactionId tx = TransactionId.random();
        CompletableFuture<InetSocketAddress> f = w.expect(tx, SERVER);

        assertThat(w.offer(success(tx), new InetSocketAddress("127.0.0.3", 3478))).isTrue();
        assertThat(f).isNotDone();
        assertThat(w.stats().wrongSource()).isEqualTo(1);

        assertThat(w.offer(success(tx), SERVER)).isTrue();
        assertThat(f).isCompletedWithValue(MAPPED);
    }

    @Test
    void anErrorResponseFailsItsWaiterAndRequestsAreConsumedUnmatched() {
        StunWaiters w = new StunWaiters();
        TransactionId tx = TransactionId.random();
        CompletableFuture<InetSocketAddress> f = w.expect(tx);

        assertThat(w.offer(ByteBuffer.wrap(StunMessage.bindingRequest(tx, true)), SERVER)).isTrue();
        assertThat(f).isNotDone();
        assertThat(w.stats().unmatched()).isEqualTo(1);

        assertThat(w.offer(message(0x0111, tx, new byte[0]), SERVER)).isTrue();
        assertThatThrownBy(f::join).hasCauseInstanceOf(StunException.class).hasMessageContaining("error response");
        assertThat(w.pending()).isZero();
        assertThat(w.stats().errors()).isEqualTo(1);
    }

    @Test
    void failAllEndsEveryWaiter() {
        StunWaiters w = new StunWaiters();
        CompletableFuture<InetSocketAddress> a = w.expect(TransactionId.random());
        CompletableFuture<InetSocketAddress> b = w.expect(TransactionId.random());
        w.failAll(new java.nio.channels.ClosedChannelException());
        assertThat(a).isCompletedExceptionally();
        assertThat(b).isCompletedExceptionally();
        assertThat(w.pending()).isZero();
    }

    @Test
    void randomDatagramsThatPassTheCheapTestNeverThrow() {
        StunWaiters w = new StunWaiters();
        TransactionId tx = TransactionId.random();
        CompletableFuture<InetSocketAddress> f = w.expect(tx);
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            byte[] d = new byte[20 + random.nextInt(120)];
            random.nextBytes(d);
            ByteBuffer b = ByteBuffer.wrap(d);
            b.put(0, (byte) (d[0] & 0x3f)).putInt(4, StunMessage.MAGIC_COOKIE);
            if (random.nextBoolean()) {
                b.putShort(0, (short) StunMessage.BINDING_SUCCESS).putShort(2, (short) ((d.length - 20) & ~3));
                tx.copyTo(d, 8);
            }
            assertThat(w.offer(b, SERVER)).isTrue();
        }
        StunWaiters.Stats s = w.stats();
        assertThat(s.malformed() + s.unmatched() + s.answered()).isEqualTo(20_000);
        assertThat(w.pending()).isEqualTo(f.isDone() ? 0 : 1);
    }
}
