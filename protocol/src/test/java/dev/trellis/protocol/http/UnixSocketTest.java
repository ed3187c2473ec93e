package dev.trellis.protocol.http;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unix sockets have no native read timeout: the server's own timer must enforce the limits there too. */
class UnixSocketTest {
    private static final HttpLimits LIMITS = HttpLimits.defaults().withTimeouts(Duration.ofMillis(300), Duration.ofMillis(300));

    @Test
    void slowHeadGets408AndIdleConnectionIsClosed(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("s");
        try (HttpServer server = HttpServer.unix(socket, ex -> ex.respond(204, null, new byte[0]), LIMITS)) {
            try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                ch.connect(UnixDomainSocketAddress.of(socket));
                ch.write(ByteBuffer.wrap("GET / HTTP/1.1\r\nHost: x\r\n".getBytes(ISO_8859_1)));
                InputStream in = Channels.newInputStream(ch);
                assertThat(new RawClient.Head(in).read()).startsWith("HTTP/1.1 408 ");
            }
            try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                ch.connect(UnixDomainSocketAddress.of(socket));
                ch.write(ByteBuffer.wrap("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(ISO_8859_1)));
                InputStream in = Channels.newInputStream(ch);
                assertThat(new RawClient.Head(in).read()).startsWith("HTTP/1.1 204 ");
                assertThat(in.read()).isEqualTo(-1); // dropped after the idle timeout
            }
            Deadline.await(() -> server.openConnections() == 0, "both connections are gone");
        }
    }

    @Test
    void handlerThatFailsAfterUpgradingLosesTheConnection(@TempDir Path dir) throws IOException {
        Path socket = dir.resolve("s");
        try (HttpServer server = HttpServer.unix(socket, ex -> {
                    ex.upgrade("p", java.util.Map.of());
                    throw new IllegalStateException("handler bug after upgrade");
                }, LIMITS);
                Http1Client client = Http1Client.unix(socket, Duration.ofSeconds(5))) {
            try (UpgradedConnection up = client.upgrade("/", "p", java.util.Map.of())) {
                up.readTimeout(Duration.ofSeconds(10));
                assertThat(up.in().read()).isEqualTo(-1);
            }
            Deadline.await(() -> server.openConnections() == 0, "the orphaned connection is closed");
        }
    }
}
