package dev.trellis.protocol.stun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class StunServerTest {

    private static InetSocketAddress loopback(String ip) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), 0);
    }

    private static DatagramChannel client(String ip) throws Exception {
        InetAddress a = InetAddress.getByName(ip);
        DatagramChannel ch = DatagramChannel.open(a.getAddress().length == 4
                ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
        return ch.bind(new InetSocketAddress(a, 0));
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(2);
        }
    }

    @Test
    void clientLearnsItsAddressOverIpv4AndIpv6() throws Exception {
        for (String ip : new String[] {"127.0.0.1", "::1"}) {
            try (StunServer server = new StunServer(loopback(ip)).start(); DatagramChannel ch = client(ip)) {
                InetSocketAddress mapped = StunClient.probe(ch, server.address(), Duration.ofSeconds(5));
                assertThat(mapped).isEqualTo(ch.getLocalAddress());
                assertThat(ch.isBlocking()).isTrue();
                assertThat(server.stats().answered()).isEqualTo(1);
            }
        }
    }

    @Test
    void garbageAndOtherStunMessagesAreIgnoredAndCounted() throws Exception {
        try (StunServer server = new StunServer(loopback("127.0.0.1")).start(); DatagramChannel ch = client("127.0.0.1")) {
            InetSocketAddress to = server.address();
            ch.send(ByteBuffer.wrap(new byte[] {1, 0, 0, 0, 5}), to); // a WireGuard-looking packet
            ch.send(ByteBuffer.wrap(new byte[0]), to);
            ch.send(ByteBuffer.wrap(StunMessageTest.RFC5769_IPV4_RESPONSE), to); // not a request
            byte[] broken = StunMessage.bindingRequest(TransactionId.random(), true);
            broken[25] ^= 1; // bad fingerprint
            ch.send(ByteBuffer.wrap(broken), to);
            ch.send(ByteBuffer.wrap(new byte[2000]), to); // too big to be ours
            await(() -> server.stats().ignored() == 5, "5 ignored datagrams");
            // Still serving afterwards, and the RFC's own request (with attributes) is answered.
            ch.send(ByteBuffer.wrap(StunMessageTest.RFC5769_REQUEST), to);
            await(() -> server.stats().answered() == 1, "an answer");
            ByteBuffer in = ByteBuffer.allocate(1500);
            ch.receive(in);
            StunMessage answer = StunMessage.parse(in.flip());
            assertThat(answer.isBindingSuccess()).isTrue();
            assertThat(answer.mappedAddress()).contains((InetSocketAddress) ch.getLocalAddress());
            assertThat(server.stats()).isEqualTo(new StunServer.Stats(1, 5, 0, 0));
        }
    }

    @Test
    void eachSourceIsRateLimited() throws Exception {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        StunServer.Limits limits = new StunServer.Limits(1, 3, 100);
        try (StunServer server = new StunServer(loopback("127.0.0.1"), limits, now::get).start();
                DatagramChannel ch = client("127.0.0.1")) {
            for (int i = 0; i < 10; i++) {
                ch.send(ByteBuffer.wrap(StunMessage.bindingRequest(TransactionId.random(), false)), server.address());
            }
            await(() -> server.stats().answered() + server.stats().rateLimited() == 10, "10 requests handled");
            assertThat(server.stats().answered()).isEqualTo(3);
            assertThat(server.stats().rateLimited()).isEqualTo(7);
            now.addAndGet(2_000_000_000L); // two seconds: two more tokens
            for (int i = 0; i < 3; i++) {
                ch.send(ByteBuffer.wrap(StunMessage.bindingRequest(TransactionId.random(), false)), server.address());
            }
            await(() -> server.stats().answered() + server.stats().rateLimited() == 13, "13 requests handled");
            assertThat(server.stats().answered()).isEqualTo(5);
        }
    }

    @Test
    void limiterForgetsIdleSourcesAndRefusesNewOnesWhenFull() throws Exception {
        SourceRateLimiter limiter = new SourceRateLimiter(1, 1, 2);
        InetAddress a = InetAddress.getByName("192.0.2.1");
        InetAddress b = InetAddress.getByName("192.0.2.2");
        InetAddress c = InetAddress.getByName("192.0.2.3");
        assertThat(limiter.allow(a, 0)).isTrue();
        assertThat(limiter.allow(b, 0)).isTrue();
        assertThat(limiter.allow(c, 0)).isFalse();
        assertThat(limiter.allow(c, 1_000_000_000L)).isTrue();
        assertThat(limiter.trackedSources()).isEqualTo(1);
    }

    @Test
    void probeTimesOutWhenNobodyAnswers() throws Exception {
        try (DatagramChannel silent = client("127.0.0.1"); DatagramChannel ch = client("127.0.0.1")) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> StunClient.probe(ch, (InetSocketAddress) silent.getLocalAddress(),
                    Duration.ofMillis(350)))
                    .isInstanceOf(SocketTimeoutException.class).hasMessageContaining("350 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
            // 0, 100, 300 ms: three requests before giving up at 350.
            int requests = 0;
            silent.configureBlocking(false);
            while (silent.receive(ByteBuffer.allocate(100)) != null) {
                requests++;
            }
            assertThat(requests).isEqualTo(3);
        }
    }

    @Test
    void answersFromElsewhereOrForAnotherTransactionAreNotTaken() throws Exception {
        TransactionId id = TransactionId.random();
        InetSocketAddress server = StunMessageTest.address("127.0.0.1", 3478);
        ByteBuffer good = ByteBuffer.wrap(StunMessage.bindingSuccess(id, server, "x"));
        assertThat(StunClient.answer(good, server, server, id)).contains(server);
        assertThat(StunClient.answer(good, StunMessageTest.address("127.0.0.2", 3478), server, id)).isEmpty();
        assertThat(StunClient.answer(good, server, server, TransactionId.random())).isEmpty();
    }
}
