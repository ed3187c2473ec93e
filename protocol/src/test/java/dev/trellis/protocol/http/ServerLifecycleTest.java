package dev.trellis.protocol.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Closing a server, and the life of a Unix socket file. */
class ServerLifecycleTest {
    private static final Duration CONNECT = Duration.ofSeconds(5);
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private final CountDownLatch never = new CountDownLatch(1);
    private final Router router = new Router()
            .route("GET", "/", ex -> ex.respond(200, "text/plain", "ok".getBytes(UTF_8)))
            .route("GET", "/watch", ex -> {
                OutputStream out = ex.respondStreaming(200, "application/json");
                out.write("{}\n".getBytes(UTF_8));
                out.flush();
                try {
                    never.await(); // a watcher with nothing more to say
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            })
            .route("POST", "/ts2021", ex -> ex.upgrade("p", Map.of())); // kept open after the handler returns

    @Test
    void closeEndsStreamingAndUpgradedConnectionsPromptly() throws Exception {
        HttpServer server = HttpServer.tcp(LOOPBACK, null, router, HttpLimits.defaults());
        Http1Client client = Http1Client.tcp(URI.create("http://127.0.0.1:" + server.tcpAddress().getPort()), null, CONNECT);
        StreamingResult watch = client.stream("GET", "/watch", Map.of(), null);
        assertThat(new String(watch.body().readNBytes(3), UTF_8)).isEqualTo("{}\n");
        UpgradedConnection up = client.upgrade("/ts2021", "p", Map.of());
        assertThat(server.openConnections()).isEqualTo(2);

        long start = System.nanoTime();
        server.close();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(server.openConnections()).isZero();
        assertEnds(watch.body());
        assertEnds(up.in());
        assertThatThrownBy(() -> new RawClient(server.tcpAddress())).isInstanceOf(IOException.class);
        never.countDown();
        watch.close();
        up.close();
        client.close();
        server.close(); // idempotent
    }

    /** The stream ends (end of stream or a reset) instead of blocking. */
    private static void assertEnds(InputStream in) {
        try {
            assertThat(in.read()).isEqualTo(-1);
        } catch (IOException expected) {
            // connection reset: ended as well
        }
    }

    @Test
    void unixSocketFileIsRemovedOnClose(@TempDir Path dir) throws IOException {
        Path socket = dir.resolve("s");
        HttpServer server = HttpServer.unix(socket, router, HttpLimits.defaults());
        assertThat(server.unixPath()).isEqualTo(socket);
        assertThat(Files.exists(socket)).isTrue();
        server.close();
        assertThat(Files.exists(socket)).isFalse();
    }

    @Test
    void staleUnixSocketFileIsReplaced(@TempDir Path dir) throws IOException {
        Path socket = dir.resolve("s");
        ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        dead.bind(UnixDomainSocketAddress.of(socket));
        dead.close(); // leaves the file behind, as a crashed daemon would
        assertThat(Files.exists(socket)).isTrue();
        try (HttpServer server = HttpServer.unix(socket, router, HttpLimits.defaults());
                Http1Client client = Http1Client.unix(socket, CONNECT)) {
            assertThat(client.send("GET", "/", Map.of(), null).bodyText()).isEqualTo("ok");
            assertThat(server.openConnections()).isEqualTo(1);
        }
    }

    @Test
    void liveServerIsNotDisplaced(@TempDir Path dir) throws IOException {
        Path socket = dir.resolve("s");
        try (HttpServer first = HttpServer.unix(socket, router, HttpLimits.defaults())) {
            assertThatThrownBy(() -> HttpServer.unix(socket, router, HttpLimits.defaults()))
                    .isInstanceOf(IOException.class).hasMessageContaining("another server is listening");
            try (Http1Client client = Http1Client.unix(socket, CONNECT)) {
                assertThat(client.send("GET", "/", Map.of(), null).status()).isEqualTo(200);
                assertThat(first.unixPath()).isEqualTo(socket);
            }
        }
    }

    @Test
    void regularFileIsNotReplaced(@TempDir Path dir) throws IOException {
        Path notASocket = Files.writeString(dir.resolve("s"), "precious");
        assertThatThrownBy(() -> HttpServer.unix(notASocket, router, HttpLimits.defaults()))
                .isInstanceOf(IOException.class).hasMessageContaining("not a socket");
        assertThat(Files.readString(notASocket)).isEqualTo("precious");
    }

    @Test
    void tcpPortInUseIsAClearError() throws IOException {
        try (HttpServer first = HttpServer.tcp(LOOPBACK, null, router, HttpLimits.defaults())) {
            assertThatThrownBy(() -> HttpServer.tcp(first.tcpAddress(), null, router, HttpLimits.defaults()))
                    .isInstanceOf(IOException.class).hasMessageContaining("cannot listen on");
        }
    }
}
