package dev.trellis.protocol.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What a hostile or broken client gets, written byte for byte on a raw socket. */
class ServerLimitsTest {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final HttpLimits LIMITS = new HttpLimits(256, 1024, 10, 1000,
            Duration.ofMillis(500), Duration.ofMillis(500), 4);

    private final CompletableFuture<Throwable> streamFailure = new CompletableFuture<>();
    private final Router router = new Router()
            .route("GET", "/", ex -> ex.respond(200, "text/plain", "ok".getBytes(UTF_8)))
            .route("POST", "/echo", ex -> ex.respond(200, "application/octet-stream", ex.body()))
            .route("GET", "/firehose", ex -> {
                OutputStream out = ex.respondStreaming(200, "application/octet-stream");
                byte[] chunk = new byte[64 * 1024];
                try {
                    while (true) {
                        out.write(chunk);
                        out.flush();
                    }
                } catch (IOException e) {
                    streamFailure.complete(e);
                }
            });
    private HttpServer server;

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.close();
        }
    }

    private RawClient connect() throws IOException {
        if (server == null) {
            server = HttpServer.tcp(LOOPBACK, null, router, LIMITS);
        }
        return new RawClient(server.tcpAddress());
    }

    static Stream<Arguments> badRequests() {
        String h = " HTTP/1.1\r\nHost: x\r\n";
        return Stream.of(
                Arguments.of("bare LF ends the request line", "GET / HTTP/1.1\nHost: x\r\n\r\n", 400),
                Arguments.of("bare LF ends a header", "GET /" + h + "A: b\n\r\n", 400),
                Arguments.of("bare CR inside a header", "GET /" + h + "A: b\rc\r\n\r\n", 400),
                Arguments.of("obs-fold", "GET /" + h + "A: b\r\n c\r\n\r\n", 400),
                Arguments.of("space before the colon", "GET /" + h + "A : b\r\n\r\n", 400),
                Arguments.of("header without a colon", "GET /" + h + "Ab\r\n\r\n", 400),
                Arguments.of("NUL in a header value", "GET /" + h + "A: b\0c\r\n\r\n", 400),
                Arguments.of("two spaces in the request line", "GET  / HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                Arguments.of("no version", "GET /\r\nHost: x\r\n\r\n", 400),
                Arguments.of("lower-case version", "GET / http/1.1\r\nHost: x\r\n\r\n", 400),
                Arguments.of("HTTP/2 request line", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505),
                Arguments.of("method not a token", "G(T /" + h + "\r\n", 400),
                Arguments.of("absolute-form target", "GET http://x/" + h + "\r\n", 400),
                Arguments.of("asterisk-form for GET", "GET * HTTP/1.0\r\n\r\n", 400),
                Arguments.of("fragment in the target", "GET /#frag" + h + "\r\n", 400),
                Arguments.of("bad percent-encoding", "GET /a%zz" + h + "\r\n", 400),
                Arguments.of("truncated percent-encoding", "GET /a?b=%4" + h + "\r\n", 400),
                Arguments.of("non-ASCII target", "GET /\u00e9" + h + "\r\n", 400),
                Arguments.of("no Host in HTTP/1.1", "GET / HTTP/1.1\r\n\r\n", 400),
                Arguments.of("two Host headers", "GET /" + h + "Host: y\r\n\r\n", 400),
                Arguments.of("Content-Length and Transfer-Encoding",
                        "POST /echo" + h + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
                Arguments.of("two Content-Length headers", "POST /echo" + h + "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc", 400),
                Arguments.of("Content-Length list", "POST /echo" + h + "Content-Length: 3, 3\r\n\r\nabc", 400),
                Arguments.of("signed Content-Length", "POST /echo" + h + "Content-Length: +3\r\n\r\nabc", 400),
                Arguments.of("hex Content-Length", "POST /echo" + h + "Content-Length: 0x3\r\n\r\nabc", 400),
                Arguments.of("overflowing Content-Length", "POST /echo" + h + "Content-Length: 99999999999999999999\r\n\r\n", 400),
                Arguments.of("gzip transfer coding", "POST /echo" + h + "Transfer-Encoding: gzip, chunked\r\n\r\n", 501),
                Arguments.of("chunked twice", "POST /echo" + h + "Transfer-Encoding: chunked, chunked\r\n\r\n", 400),
                Arguments.of("chunked not last", "POST /echo" + h + "Transfer-Encoding: chunked, gzip\r\n\r\n", 400),
                Arguments.of("Transfer-Encoding in HTTP/1.0", "POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
                Arguments.of("chunk size of 16 hex digits", "POST /echo" + h + "Transfer-Encoding: chunked\r\n\r\n0000000000000001\r\na\r\n0\r\n\r\n", 400),
                Arguments.of("chunk size not hex", "POST /echo" + h + "Transfer-Encoding: chunked\r\n\r\nxyz\r\n", 400),
                Arguments.of("negative chunk size", "POST /echo" + h + "Transfer-Encoding: chunked\r\n\r\n-1\r\n", 400),
                Arguments.of("chunk data without CRLF", "POST /echo" + h + "Transfer-Encoding: chunked\r\n\r\n1\r\nab\r\n0\r\n\r\n", 400),
                Arguments.of("chunk size line with bare LF", "POST /echo" + h + "Transfer-Encoding: chunked\r\n\r\n1\na\r\n0\r\n\r\n", 400),
                Arguments.of("chunked body beyond the limit", "POST /echo" + h + "Transfer-Encoding: chunked\r\n\r\n3e9\r\n", 413),
                Arguments.of("declared body beyond the limit", "POST /echo" + h + "Content-Length: 1001\r\n\r\n", 413),
                Arguments.of("unknown expectation", "POST /echo" + h + "Content-Length: 1\r\nExpect: 200-ok\r\n\r\na", 417),
                Arguments.of("too many empty lines first", "\r\n\r\n\r\n\r\n\r\nGET /" + h + "\r\n", 400),
                Arguments.of("request line too long", "GET /" + "a".repeat(300) + h + "\r\n", 414),
                Arguments.of("header section too large", "GET /" + h + "A: " + "b".repeat(1100) + "\r\n\r\n", 431),
                Arguments.of("too many headers", "GET /" + h + "A: b\r\n".repeat(11) + "\r\n", 431),
                Arguments.of("a TLS ClientHello on the plain port", "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003\r\n\r\n", 400));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("badRequests")
    void badRequestGetsItsStatusAndTheConnectionCloses(String name, String request, int status) throws IOException {
        try (RawClient raw = connect()) {
            raw.send(request);
            String head = raw.head();
            assertThat(head).as(name).startsWith("HTTP/1.1 " + status + " ").contains("Connection: close");
            assertThat(raw.closedByServer()).isTrue();
        }
        try (RawClient healthy = connect()) { // and the server carries on
            healthy.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(healthy.status()).isEqualTo(200);
        }
    }

    @Test
    void limitsThatAreJustMetAreAccepted() throws IOException {
        try (RawClient raw = connect()) {
            String target = "/?" + "a".repeat(256 - "GET /? HTTP/1.1".length());
            raw.send("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(raw.status()).isEqualTo(200);
            assertThat(raw.read(2)).isEqualTo("ok".getBytes(UTF_8));
            raw.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" + "z".repeat(1000));
            assertThat(raw.status()).isEqualTo(200);
        }
    }

    @Test
    void headThatDoesNotArriveInTimeGets408() throws IOException {
        try (RawClient raw = connect()) {
            long start = System.nanoTime();
            raw.send("GET / HTTP/1.1\r\nHost: x\r\n");
            assertThat(raw.status()).isEqualTo(408);
            // not early (the deadline runs from accept, a little before this test's clock started)
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
            assertThat(raw.closedByServer()).isTrue();
        }
    }

    @Test
    void slowlorisCannotStretchTheHeadDeadlineByDrippingBytes() throws Exception {
        try (RawClient raw = connect()) {
            Thread dripper = Thread.ofVirtual().start(() -> {
                try {
                    raw.send("GET / HTTP/1.1\r\nHost: x\r\n");
                    raw.send("X-Drip: ");
                    for (int i = 0; i < 200; i++) {
                        raw.send("a");
                        Thread.sleep(20);
                    }
                } catch (IOException | InterruptedException e) {
                    // the server hung up, as it should
                }
            });
            long start = System.nanoTime();
            assertThat(raw.status()).isEqualTo(408);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
            dripper.interrupt();
            dripper.join();
        }
    }

    @Test
    void connectionThatNeverSpeaksIsClosedWithoutAResponse() throws IOException {
        try (RawClient raw = connect()) {
            assertThat(raw.in.read()).isEqualTo(-1);
        }
        Deadline.await(() -> server.openConnections() == 0, "the silent connection is gone");
    }

    @Test
    void idleKeptAliveConnectionIsClosedAfterTheIdleTimeout() throws IOException {
        try (RawClient raw = connect()) {
            raw.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(raw.status()).isEqualTo(200);
            assertThat(raw.read(2)).isEqualTo("ok".getBytes(UTF_8));
            assertThat(raw.in.read()).isEqualTo(-1);
        }
    }

    @Test
    void bodyThatStopsArrivingTimesOutAndFreesTheHandler() throws IOException {
        try (RawClient raw = connect()) {
            raw.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly ten b");
            assertThat(raw.status()).isEqualTo(408);
            assertThat(raw.closedByServer()).isTrue();
        }
        Deadline.await(() -> server.openConnections() == 0, "the stalled connection is gone");
    }

    @Test
    void halfClosedClientIsNotWaitedFor() throws IOException {
        try (RawClient raw = connect()) {
            raw.send("GET / HTTP/1.1\r\nHost: x\r\n");
            raw.socket.shutdownOutput();
            assertThat(raw.closedByServer()).isTrue();
        }
        Deadline.await(() -> server.openConnections() == 0, "the half-closed connection is gone");
    }

    @Test
    void randomGarbageNeverHurtsTheServer() throws IOException {
        Random random = new Random(42);
        for (int i = 0; i < 20; i++) {
            byte[] garbage = new byte[random.nextInt(1, 3000)];
            random.nextBytes(garbage);
            try (RawClient raw = connect()) {
                raw.send(garbage);
                raw.socket.shutdownOutput();
                String head = raw.head();
                assertThat(head.isEmpty() || head.matches("(?s)HTTP/1\\.1 (400|408|414|431|505) .*")).as(head).isTrue();
            }
        }
        try (RawClient healthy = connect()) {
            healthy.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(healthy.status()).isEqualTo(200);
        }
        Deadline.await(() -> server.openConnections() == 1 || server.openConnections() == 0, "garbage connections are gone");
    }

    @Test
    void connectionsBeyondTheLimitGet503() throws IOException {
        RawClient[] held = new RawClient[4];
        try {
            for (int i = 0; i < held.length; i++) {
                held[i] = connect();
            }
            Deadline.await(() -> server.openConnections() == 4, "four connections are open");
            try (RawClient extra = connect()) {
                extra.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(extra.head()).startsWith("HTTP/1.1 503 ").contains("Connection: close");
                assertThat(extra.closedByServer()).isTrue();
            }
        } finally {
            for (RawClient c : held) {
                if (c != null) {
                    c.close();
                }
            }
        }
        Deadline.await(() -> server.openConnections() == 0, "the held connections are gone");
        try (RawClient again = connect()) {
            again.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(again.status()).isEqualTo(200);
        }
    }

    @Test
    void clientThatStopsReadingAStreamEndsTheHandlerAfterTheIdleTimeout() throws Exception {
        try (RawClient raw = connect()) {
            raw.socket.setReceiveBufferSize(4096);
            raw.send("GET /firehose HTTP/1.1\r\nHost: x\r\n\r\n");
            Throwable failure = streamFailure.get(10, TimeUnit.SECONDS);
            assertThat(failure).isInstanceOf(java.net.SocketTimeoutException.class);
        }
        Deadline.await(() -> server.openConnections() == 0, "the stalled stream is gone");
    }
}
