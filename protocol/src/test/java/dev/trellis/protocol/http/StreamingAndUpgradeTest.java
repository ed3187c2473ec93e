package dev.trellis.protocol.http;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamingAndUpgradeTest {
    private static final Duration CONNECT = Duration.ofSeconds(5);
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final String PROTOCOL = "trellis-noise";

    private final BlockingQueue<String> gate = new ArrayBlockingQueue<>(1);
    private final CompletableFuture<Boolean> watcherSawHangUp = new CompletableFuture<>();
    private final Router router = new Router()
            .route("GET", "/events", ex -> {
                try (OutputStream out = ex.respondStreaming(200, "text/event-stream")) {
                    out.write("event: one\n\n".getBytes(UTF_8));
                    out.flush();
                    String go = gate.poll(10, TimeUnit.SECONDS);
                    out.write(("event: " + go + "\n\n").getBytes(UTF_8));
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            })
            .route("POST", "/ts2021", ex -> {
                // Echo protocol: everything the client sends comes back, until it closes.
                try (UpgradedConnection up = ex.upgrade(PROTOCOL, Map.of("X-Server", "yes"))) {
                    up.in().transferTo(up.out());
                }
            })
            .route("GET", "/watch", ex -> {
                OutputStream out = ex.respondStreaming(200, "application/json");
                out.write("{}\n".getBytes(UTF_8));
                out.flush();
                try { // a quiet bus: only the client's hang-up ends this wait
                    ex.clientGone().toCompletableFuture().get(10, TimeUnit.SECONDS);
                    watcherSawHangUp.complete(true);
                } catch (Exception e) {
                    watcherSawHangUp.completeExceptionally(e);
                }
            })
            .route("POST", "/refuse", ex -> {
                throw new HttpStatusException(403, "no noise for you");
            });
    private HttpServer server;
    private Http1Client client;

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private void startTcp() throws IOException {
        server = HttpServer.tcp(LOOPBACK, null, router, HttpLimits.defaults());
        client = Http1Client.tcp(URI.create("http://127.0.0.1:" + server.tcpAddress().getPort()), null, CONNECT);
    }

    @Test
    void streamedEventsArriveBeforeTheNextIsWritten() throws IOException {
        startTcp();
        try (StreamingResult events = client.stream("GET", "/events", Map.of(), null)) {
            assertThat(events.status()).isEqualTo(200);
            assertThat(events.headers().first("Transfer-Encoding")).hasValue("chunked");
            BufferedReader reader = new BufferedReader(new InputStreamReader(events.body(), UTF_8));
            assertThat(reader.readLine()).isEqualTo("event: one");
            assertThat(reader.readLine()).isEmpty();
            // The server is still waiting for the gate: the first event came on its own.
            assertThat(gate.offer("two")).isTrue();
            assertThat(reader.readLine()).isEqualTo("event: two");
            assertThat(reader.readLine()).isEmpty();
            assertThat(reader.readLine()).isNull();
        }
    }

    @Test
    void quietStreamingHandlerLearnsThatTheClientHungUp() throws Exception {
        startTcp();
        StreamingResult watch = client.stream("GET", "/watch", Map.of(), null);
        assertThat(new String(watch.body().readNBytes(3), UTF_8)).isEqualTo("{}\n");
        assertThat(watcherSawHangUp).isNotDone();
        watch.close();
        assertThat(watcherSawHangUp.get(10, TimeUnit.SECONDS)).isTrue();
        Deadline.await(() -> server.openConnections() == 0, "the watch connection is released");
    }

    @Test
    void streamedResponseToHttp10EndsByClosing() throws IOException {
        startTcp();
        gate.add("two");
        try (RawClient raw = new RawClient(server.tcpAddress())) {
            raw.send("GET /events HTTP/1.0\r\n\r\n");
            assertThat(raw.head()).startsWith("HTTP/1.1 200").doesNotContain("chunked").contains("Connection: close");
            assertThat(new String(raw.in.readAllBytes(), UTF_8)).isEqualTo("event: one\n\nevent: two\n\n");
        }
    }

    @Test
    void serverKeepsBytesPipelinedBehindTheUpgradeRequest() throws IOException {
        startTcp();
        try (RawClient raw = new RawClient(server.tcpAddress())) {
            raw.send("POST /ts2021 HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: " + PROTOCOL
                    + "\r\n\r\nEARLY-CLIENT-BYTES");
            String head = raw.head();
            assertThat(head).startsWith("HTTP/1.1 101 Switching Protocols")
                    .contains("Upgrade: " + PROTOCOL).contains("Connection: Upgrade").contains("X-Server: yes");
            assertThat(new String(raw.read(18), ISO_8859_1)).isEqualTo("EARLY-CLIENT-BYTES");
            raw.send("more");
            assertThat(new String(raw.read(4), ISO_8859_1)).isEqualTo("more");
            assertThat(server.openConnections()).isEqualTo(1);
        }
        Deadline.await(() -> server.openConnections() == 0, "the upgraded connection is released");
    }

    @Test
    void clientKeepsBytesTheServerSentRightAfter101() throws Exception {
        try (ServerSocket fake = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> request = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try (Socket s = fake.accept()) {
                    request.complete(new RawClient.Head(s.getInputStream()).read());
                    s.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\n"
                            + "Upgrade: " + PROTOCOL + "\r\n\r\nEARLY-SERVER").getBytes(ISO_8859_1));
                    byte[] ping = s.getInputStream().readNBytes(4);
                    s.getOutputStream().write(ping);
                    s.getOutputStream().write("pong".getBytes(ISO_8859_1));
                } catch (IOException e) {
                    request.completeExceptionally(e);
                }
            });
            client = Http1Client.tcp(URI.create("http://127.0.0.1:" + fake.getLocalPort()), null, CONNECT);
            try (UpgradedConnection up = client.upgrade("/ts2021", PROTOCOL, Map.of("X-Handshake", "abc"))) {
                assertThat(new String(up.in().readNBytes(12), ISO_8859_1)).isEqualTo("EARLY-SERVER");
                up.out().write("ping".getBytes(ISO_8859_1));
                assertThat(new String(up.in().readNBytes(8), ISO_8859_1)).isEqualTo("pingpong");
                assertThat(up.headers().first("Upgrade")).hasValue(PROTOCOL);
            }
            assertThat(request.get(10, TimeUnit.SECONDS)).startsWith("POST /ts2021 HTTP/1.1\r\n")
                    .contains("\r\nConnection: Upgrade\r\n").contains("\r\nUpgrade: " + PROTOCOL + "\r\n")
                    .contains("\r\nX-Handshake: abc\r\n");
        }
    }

    @Test
    void upgradeOverTcp() throws Exception {
        startTcp();
        duplexEcho(client);
    }

    @Test
    void upgradeOverTls() throws Exception {
        server = HttpServer.tcp(LOOPBACK, TestTls.server(), router, HttpLimits.defaults());
        client = Http1Client.tcp(URI.create("https://localhost:" + server.tcpAddress().getPort()), TestTls.client(), CONNECT);
        duplexEcho(client);
    }

    @Test
    void upgradeOverUnixSocket(@TempDir Path dir) throws Exception {
        server = HttpServer.unix(dir.resolve("s"), router, HttpLimits.defaults());
        client = Http1Client.unix(dir.resolve("s"), CONNECT);
        duplexEcho(client);
    }

    /** One thread writes 1 MiB while this one reads the echo: both directions at once, no deadlock. */
    private void duplexEcho(Http1Client client) throws Exception {
        byte[] data = new byte[1 << 20];
        new Random(7).nextBytes(data);
        try (UpgradedConnection up = client.upgrade("/ts2021", PROTOCOL, Map.of())) {
            assertThat(up.headers().first("X-Server")).hasValue("yes");
            CompletableFuture<Void> written = CompletableFuture.runAsync(() -> {
                try {
                    for (int off = 0; off < data.length; off += 10_000) {
                        up.out().write(data, off, Math.min(10_000, data.length - off));
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, r -> Thread.ofVirtual().start(r));
            up.readTimeout(Duration.ofSeconds(10));
            byte[] echoed = up.in().readNBytes(data.length);
            written.get(10, TimeUnit.SECONDS);
            assertThat(Arrays.equals(echoed, data)).isTrue();
        }
        Deadline.await(() -> server.openConnections() == 0, "the upgraded connection is released");
    }

    @Test
    void refusedUpgradeCarriesTheServersStatusAndText() throws IOException {
        startTcp();
        assertThatThrownBy(() -> client.upgrade("/refuse", PROTOCOL, Map.of()))
                .isInstanceOfSatisfying(HttpStatusException.class, e -> {
                    assertThat(e.status()).isEqualTo(403);
                    assertThat(e.getMessage()).contains("no noise for you");
                });
    }

    @Test
    void upgradeThatWasNotAskedForIs400() throws IOException {
        startTcp();
        HttpResult plain = client.send("POST", "/ts2021", Map.of(), new byte[0]);
        assertThat(plain.status()).isEqualTo(400);
        assertThat(plain.bodyText()).contains("Upgrade: " + PROTOCOL);
        assertThatThrownBy(() -> client.upgrade("/ts2021", "other-protocol", Map.of()))
                .isInstanceOfSatisfying(HttpStatusException.class, e -> assertThat(e.status()).isEqualTo(400));
    }

    @Test
    void upgradedReadTimeoutFires() throws IOException {
        startTcp();
        try (UpgradedConnection up = client.upgrade("/ts2021", PROTOCOL, Map.of())) {
            up.readTimeout(Duration.ofMillis(100));
            InputStream in = up.in();
            assertThatThrownBy(in::read).isInstanceOf(java.net.SocketTimeoutException.class);
        }
    }
}
