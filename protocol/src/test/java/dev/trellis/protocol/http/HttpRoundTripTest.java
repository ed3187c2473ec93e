package dev.trellis.protocol.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpRoundTripTest {
    private static final Duration CONNECT = Duration.ofSeconds(5);
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private final Set<String> remotes = ConcurrentHashMap.newKeySet();
    private final Router router = new Router()
            .route("GET", "/hello", ex -> ex.respond(200, "text/plain", ("hello " + ex.query("name").orElse("?")).getBytes(UTF_8)))
            .route("POST", "/echo", ex -> ex.respond(HttpResponse.builder(200).header("X-Length", "" + ex.body().length)
                    .body("application/octet-stream", ex.body()).build()))
            .route("GET", "/whoami", ex -> {
                remotes.add(ex.remoteAddress().toString());
                ex.respond(200, "text/plain", (ex.secure() + " " + ex.peer().map(PeerCredentials::toString).orElse("none")).getBytes(UTF_8));
            })
            .route("GET", "/fail", ex -> {
                throw new IllegalStateException("handler bug");
            })
            .route("GET", "/teapot", ex -> {
                throw new HttpStatusException(418, "short and stout");
            })
            .route("GET", "/silent", ex -> {})
            .prefix("GET", "/files/", ex -> ex.respond(200, "text/plain", ex.path().getBytes(UTF_8)));

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
    void tcpRoundTripWithQueryBodyAndHeaders() throws IOException {
        startTcp();
        HttpResult hello = client.send("GET", "/hello?name=J%C3%BCrgen+M", Map.of(), null);
        assertThat(hello.status()).isEqualTo(200);
        assertThat(hello.bodyText()).isEqualTo("hello Jürgen M");
        assertThat(hello.headers().first("content-type")).hasValue("text/plain");

        byte[] big = new byte[1 << 20];
        new java.util.Random(1).nextBytes(big);
        HttpResult echo = client.send("POST", "/echo", Map.of("X-Test", "1"), big);
        assertThat(echo.body()).isEqualTo(big);
        assertThat(echo.headers().first("X-LENGTH")).hasValue("" + big.length);
    }

    @Test
    void tlsRoundTrip() throws Exception {
        server = HttpServer.tcp(LOOPBACK, TestTls.server(), router, HttpLimits.defaults());
        client = Http1Client.tcp(URI.create("https://127.0.0.1:" + server.tcpAddress().getPort()), TestTls.client(), CONNECT);
        assertThat(client.send("GET", "/whoami", Map.of(), null).bodyText()).isEqualTo("true none");
        assertThat(client.send("POST", "/echo", Map.of(), "over tls".getBytes(UTF_8)).bodyText()).isEqualTo("over tls");
        assertThat(remotes).hasSize(1); // the TLS connection was kept alive
    }

    @Test
    void tlsClientRejectsAnUntrustedCertificate() throws Exception {
        server = HttpServer.tcp(LOOPBACK, TestTls.server(), router, HttpLimits.defaults());
        client = Http1Client.tcp(URI.create("https://127.0.0.1:" + server.tcpAddress().getPort()), null, CONNECT);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.send("GET", "/whoami", Map.of(), null))
                .isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
    }

    @Test
    void unixSocketRoundTripCarriesPeerCredentials(@TempDir Path dir) throws IOException {
        Path socket = dir.resolve("api.sock");
        server = HttpServer.unix(socket, router, HttpLimits.defaults());
        client = Http1Client.unix(socket, CONNECT);
        HttpResult result = client.send("GET", "/whoami", Map.of(), null);
        int[] ids = effectiveIds();
        assertThat(result.bodyText()).startsWith("false PeerCredentials[uid=" + ids[0] + ", gid=" + ids[1] + ", user=");
        assertThat(client.send("POST", "/echo", Map.of(), "via unix".getBytes(UTF_8)).bodyText()).isEqualTo("via unix");
    }

    /** Effective uid and gid of this process, from /proc/self/status ("Uid: real effective saved fs"). */
    static int[] effectiveIds() throws IOException {
        int uid = -1;
        int gid = -1;
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            String[] f = line.split("\\s+");
            if (f[0].equals("Uid:")) {
                uid = Integer.parseInt(f[2]);
            } else if (f[0].equals("Gid:")) {
                gid = Integer.parseInt(f[2]);
            }
        }
        return new int[] {uid, gid};
    }

    @Test
    void keepAliveReusesOneConnection() throws IOException {
        startTcp();
        for (int i = 0; i < 5; i++) {
            assertThat(client.send("GET", "/whoami", Map.of(), null).status()).isEqualTo(200);
        }
        assertThat(remotes).hasSize(1);
    }

    @Test
    void headGetsHeadersWithoutBodyAndKeepsTheConnection() throws IOException {
        startTcp();
        HttpResult head = client.send("HEAD", "/hello", Map.of(), null);
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.headers().first("Content-Length")).hasValue("7");
        assertThat(head.body()).isEmpty();
        assertThat(client.send("GET", "/hello?name=x", Map.of(), null).bodyText()).isEqualTo("hello x");
    }

    @Test
    void handlerFailuresBecomeStatusesAndTheServerCarriesOn() throws IOException {
        startTcp();
        HttpResult fail = client.send("GET", "/fail", Map.of(), null);
        assertThat(fail.status()).isEqualTo(500);
        assertThat(fail.bodyText()).doesNotContain("handler bug");
        HttpResult teapot = client.send("GET", "/teapot", Map.of(), null);
        assertThat(teapot.status()).isEqualTo(418);
        assertThat(teapot.bodyText()).isEqualTo("short and stout\n");
        assertThat(client.send("GET", "/silent", Map.of(), null).status()).isEqualTo(500);
        assertThat(client.send("GET", "/hello", Map.of(), null).status()).isEqualTo(200);
    }

    @Test
    void routerAnswers404And405WithAllow() throws IOException {
        startTcp();
        assertThat(client.send("GET", "/nowhere", Map.of(), null).status()).isEqualTo(404);
        HttpResult wrongMethod = client.send("DELETE", "/hello", Map.of(), null);
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.headers().first("Allow")).hasValue("GET, HEAD");
        assertThat(client.send("POST", "/files/a/b", Map.of(), new byte[0]).headers().first("Allow")).hasValue("GET, HEAD");
        assertThat(client.send("GET", "/files/a/b%20c", Map.of(), null).bodyText()).isEqualTo("/files/a/b%20c");
    }

    @Test
    void chunkedRequestBodyWithExtensionsAndTrailers() throws IOException {
        startTcp();
        try (RawClient raw = new RawClient(server.tcpAddress())) {
            raw.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5;name=value\r\nhello\r\n1 ; ext\r\n \r\n5\r\nworld\r\n0\r\nX-Trailer: t\r\n\r\n");
            String head = raw.head();
            assertThat(head).startsWith("HTTP/1.1 200 ").contains("Content-Length: 11");
            assertThat(new String(raw.read(11), UTF_8)).isEqualTo("hello world");
        }
    }

    @Test
    void expectContinueIsAnswered() throws IOException {
        startTcp();
        try (RawClient raw = new RawClient(server.tcpAddress())) {
            raw.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
            assertThat(raw.head()).startsWith("HTTP/1.1 100 Continue");
            raw.send("body");
            assertThat(raw.head()).startsWith("HTTP/1.1 200 ");
            assertThat(new String(raw.read(4), UTF_8)).isEqualTo("body");
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws IOException {
        startTcp();
        try (RawClient raw = new RawClient(server.tcpAddress())) {
            raw.send("GET /hello?name=1 HTTP/1.1\r\nHost: x\r\n\r\nGET /hello?name=2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(raw.head()).startsWith("HTTP/1.1 200");
            assertThat(new String(raw.read(7), UTF_8)).isEqualTo("hello 1");
            assertThat(raw.head()).startsWith("HTTP/1.1 200").contains("Connection: close");
            assertThat(new String(raw.read(7), UTF_8)).isEqualTo("hello 2");
            assertThat(raw.closedByServer()).isTrue();
        }
    }

    @Test
    void http10GetsAResponseAndTheConnectionCloses() throws IOException {
        startTcp();
        try (RawClient raw = new RawClient(server.tcpAddress())) {
            raw.send("GET /hello?name=old HTTP/1.0\r\n\r\n");
            assertThat(raw.head()).startsWith("HTTP/1.1 200").contains("Connection: close");
            assertThat(new String(raw.read(9), UTF_8)).isEqualTo("hello old");
            assertThat(raw.closedByServer()).isTrue();
        }
    }

    @Test
    void clientRetriesAnIdempotentRequestWhenTheServerDroppedTheIdleConnection() throws IOException {
        HttpLimits shortIdle = HttpLimits.defaults().withTimeouts(Duration.ofSeconds(10), Duration.ofMillis(100));
        server = HttpServer.tcp(LOOPBACK, null, router, shortIdle);
        client = Http1Client.tcp(URI.create("http://127.0.0.1:" + server.tcpAddress().getPort()), null, CONNECT);
        assertThat(client.send("GET", "/whoami", Map.of(), null).status()).isEqualTo(200);
        Deadline.await(() -> server.openConnections() == 0, "server drops the idle connection");
        assertThat(client.send("GET", "/whoami", Map.of(), null).status()).isEqualTo(200);
        assertThat(remotes).hasSize(2);
    }

    @Test
    void hostHeaderOfTheBaseUrl() throws IOException {
        List<String> hosts = new java.util.concurrent.CopyOnWriteArrayList<>();
        server = HttpServer.tcp(LOOPBACK, null, ex -> {
            hosts.add(ex.requestHeaders().first("Host").orElseThrow());
            ex.respond(204, null, new byte[0]);
        }, HttpLimits.defaults());
        client = Http1Client.tcp(URI.create("http://127.0.0.1:" + server.tcpAddress().getPort()), null, CONNECT);
        assertThat(client.send("GET", "/", Map.of(), null).status()).isEqualTo(204);
        assertThat(hosts).containsExactly("127.0.0.1:" + server.tcpAddress().getPort());
    }
}
