package dev.trellis.protocol.http;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ProtocolException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What the client makes of a broken or hostile server, played by a raw socket. */
class ClientLimitsTest {
    private static final ClientLimits LIMITS = new ClientLimits(128, 1024, 10, 1000,
            Duration.ofMillis(300), Duration.ofMillis(300), 2);

    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private ServerSocket fake;
    private Http1Client client;

    @AfterEach
    void tearDown() throws IOException {
        if (client != null) {
            client.close();
        }
        for (Socket s : accepted) {
            s.close();
        }
        if (fake != null) {
            fake.close();
        }
    }

    /** Answers every request on every connection with {@code response}, then leaves the connection open. */
    private Http1Client serving(String response) throws IOException {
        fake = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    Socket s = fake.accept();
                    accepted.add(s);
                    Thread.ofVirtual().start(() -> {
                        try {
                            while (true) {
                                new RawClient.Head(s.getInputStream()).read();
                                s.getOutputStream().write(response.getBytes(ISO_8859_1));
                            }
                        } catch (IOException e) {
                            // connection over
                        }
                    });
                }
            } catch (IOException e) {
                // server closed
            }
        });
        client = Http1Client.tcp(URI.create("http://127.0.0.1:" + fake.getLocalPort()), null, Duration.ofSeconds(5), LIMITS);
        return client;
    }

    static Stream<Arguments> badResponses() {
        return Stream.of(
                Arguments.of("status line too long", "HTTP/1.1 200 " + "O".repeat(200) + "\r\n\r\n"),
                Arguments.of("headers too large", "HTTP/1.1 200 OK\r\nA: " + "b".repeat(1100) + "\r\n\r\n"),
                Arguments.of("too many headers", "HTTP/1.1 200 OK\r\n" + "A: b\r\n".repeat(11) + "\r\n"),
                Arguments.of("not HTTP", "ICY 200 OK\r\n\r\n"),
                Arguments.of("four-digit status", "HTTP/1.1 2000 OK\r\n\r\n"),
                Arguments.of("HTTP/2 status line", "HTTP/2.0 200 OK\r\n\r\n"),
                Arguments.of("bare LF", "HTTP/1.1 200 OK\nContent-Length: 0\n\n"),
                Arguments.of("obs-fold", "HTTP/1.1 200 OK\r\nA: b\r\n c\r\n\r\n"),
                Arguments.of("Content-Length and chunked", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                Arguments.of("two Content-Lengths", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc"),
                Arguments.of("declared body too large", "HTTP/1.1 200 OK\r\nContent-Length: 1001\r\n\r\n" + "a".repeat(1001)),
                Arguments.of("chunked body too large", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3e9\r\n"),
                Arguments.of("bad chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
                Arguments.of("endless interim responses", "HTTP/1.1 100 Continue\r\n\r\n".repeat(20)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badResponses")
    void badResponseIsAProtocolError(String name, String response) throws IOException {
        Http1Client c = serving(response);
        assertThatThrownBy(() -> c.send("GET", "/", Map.of(), null)).as(name).isInstanceOf(ProtocolException.class);
    }

    @Test
    void silentServerTimesOut() throws IOException {
        fake = new ServerSocket(0, 10, InetAddress.getLoopbackAddress()); // accepts (backlog) but never answers
        client = Http1Client.tcp(URI.create("http://127.0.0.1:" + fake.getLocalPort()), null, Duration.ofSeconds(5), LIMITS);
        long start = System.nanoTime();
        assertThatThrownBy(() -> client.send("GET", "/", Map.of(), null)).isInstanceOf(SocketTimeoutException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void bodyThatStopsArrivingTimesOut() throws IOException {
        Http1Client c = serving("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
        assertThatThrownBy(() -> c.send("GET", "/", Map.of(), null)).isInstanceOf(SocketTimeoutException.class);
    }

    @Test
    void interimResponsesAreSkippedAndBodyUntilCloseIsRead() throws IOException {
        fake = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            try (Socket s = fake.accept()) {
                new RawClient.Head(s.getInputStream()).read();
                s.getOutputStream().write("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 200 OK\r\n\r\nuntil close".getBytes(ISO_8859_1));
            } catch (IOException e) {
                // test fails on its own
            }
        });
        client = Http1Client.tcp(URI.create("http://127.0.0.1:" + fake.getLocalPort()), null, Duration.ofSeconds(5), LIMITS);
        HttpResult result = client.send("GET", "/", Map.of(), null);
        assertThat(result.status()).isEqualTo(200);
        assertThat(result.bodyText()).isEqualTo("until close");
    }

    @Test
    void connectionWhoseBodyEndedByClosingIsNotReused() throws IOException {
        fake = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < 2; i++) {
                    try (Socket s = fake.accept()) {
                        accepted.add(s);
                        new RawClient.Head(s.getInputStream()).read();
                        s.getOutputStream().write(("HTTP/1.1 200 OK\r\n\r\nbody " + i).getBytes(ISO_8859_1));
                    }
                }
            } catch (IOException e) {
                // test fails on its own
            }
        });
        client = Http1Client.tcp(URI.create("http://127.0.0.1:" + fake.getLocalPort()), null, Duration.ofSeconds(5), LIMITS);
        assertThat(client.send("POST", "/", Map.of(), new byte[0]).bodyText()).isEqualTo("body 0");
        assertThat(client.send("POST", "/", Map.of(), new byte[0]).bodyText()).isEqualTo("body 1");
    }

    @Test
    void serverThatHangsUpWithoutAnsweringIsAClearError() throws IOException {
        fake = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            try (Socket s = fake.accept()) {
                new RawClient.Head(s.getInputStream()).read();
            } catch (IOException e) {
                // test fails on its own
            }
        });
        client = Http1Client.tcp(URI.create("http://127.0.0.1:" + fake.getLocalPort()), null, Duration.ofSeconds(5), LIMITS);
        assertThatThrownBy(() -> client.send("POST", "/x", Map.of(), new byte[1]))
                .isInstanceOf(IOException.class).hasMessageContaining("without answering POST /x");
    }

    @Test
    void keptAliveConnectionsAreReused() throws IOException {
        Http1Client c = serving("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        for (int i = 0; i < 3; i++) {
            assertThat(c.send("GET", "/", Map.of(), null).bodyText()).isEqualTo("ok");
        }
        assertThat(accepted).hasSize(1);
    }

    @Test
    void callerMistakesAreRejectedBeforeAnythingIsSent() throws IOException {
        Http1Client c = serving("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        assertThatThrownBy(() -> c.send("GET", "/a b", Map.of(), null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.send("GET", "no-slash", Map.of(), null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.send("GE T", "/", Map.of(), null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.send("GET", "/", Map.of("X-Evil", "a\r\nInjected: 1"), null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.send("GET", "/", Map.of("Content-Length", "5"), null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Http1Client.tcp(URI.create("ftp://127.0.0.1/"), null, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Http1Client.tcp(URI.create("http://127.0.0.1/api"), null, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(accepted).isEmpty();
    }
}
