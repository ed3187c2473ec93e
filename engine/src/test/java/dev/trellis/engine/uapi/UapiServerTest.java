package dev.trellis.engine.uapi;

import static dev.trellis.engine.uapi.UapiCodecSetTest.PRIV;
import static dev.trellis.engine.uapi.UapiCodecSetTest.PUB1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trellis.engine.wg.ConfigException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The server over a real Unix socket in a temporary directory; needs no root. */
@Timeout(30)
class UapiServerTest {
    static final String SET_PORT = "set=1\nlisten_port=51999\n\n";
    static final String OK = "errno=0\n\n";

    @TempDir
    Path dir;
    Path socket;
    RecordingDevice device = new RecordingDevice();
    List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void setUp() {
        socket = dir.resolve("wg/trtest0.sock");
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
    }

    UapiServer start(UapiServer.Limits limits) throws IOException {
        UapiServer server = UapiServer.start(socket, device, limits);
        toClose.add(server);
        return server;
    }

    UapiServer start() throws IOException {
        return start(UapiServer.Limits.DEFAULT);
    }

    UapiClient connect() throws IOException {
        UapiClient c = new UapiClient(socket);
        toClose.add(c);
        return c;
    }

    @Test
    void servesSeveralRequestsOnOneConnection() throws Exception {
        start();
        UapiClient c = connect();
        assertThat(c.request(SET_PORT)).isEqualTo(OK);
        assertThat(c.request("get=1\n\n")).isEqualTo("listen_port=51999\n" + OK);
        assertThat(c.request("set=1\nprivate_key=" + PRIV + "\n\n")).isEqualTo(OK);
        assertThat(c.request("get=1\n\n")).isEqualTo("private_key=" + PRIV + "\nlisten_port=51999\n" + OK);
        assertThat(device.updates()).hasSize(2);
    }

    @Test
    void pipelinedRequestsAreAllAnswered() throws Exception {
        // wireguard-go's set reads ahead with a bufio.Scanner and loses a request sent right after.
        start();
        UapiClient c = connect().send(SET_PORT + "get=1\n\nget=1\n\n");
        assertThat(c.reply()).isEqualTo(OK);
        assertThat(c.reply()).isEqualTo("listen_port=51999\n" + OK);
        assertThat(c.reply()).isEqualTo("listen_port=51999\n" + OK);
    }

    @Test
    void aBadSetAppliesNothingAndTheConnectionGoesOn() throws Exception {
        start();
        UapiClient c = connect();
        assertThat(c.request("set=1\nlisten_port=1\npublic_key=" + PUB1 + "\nendpoint=nowhere:1\n\n"))
                .isEqualTo("errno=-22\n\n");
        assertThat(c.request("set=1\ngarbage\n\n")).isEqualTo("errno=-71\n\n");
        assertThat(device.updates()).isEmpty();
        assertThat(c.request("get=1\n\n")).isEqualTo(OK);
    }

    @Test
    void deviceErrorsAreReportedWithTheirErrno() throws Exception {
        start();
        device.failNextApply(new ConfigException(ConfigException.EADDRINUSE, "port taken"));
        UapiClient c = connect();
        assertThat(c.request(SET_PORT)).isEqualTo("errno=-98\n\n");
        assertThat(c.request(SET_PORT)).isEqualTo(OK);
    }

    @Test
    void anOverlongLineIsRefusedAndSkipped() throws Exception {
        start();
        UapiClient c = connect();
        assertThat(c.request("set=1\nlisten_port=" + "1".repeat(100_000) + "\nfwmark=1\n\n"))
                .isEqualTo("errno=-22\n\n");
        assertThat(c.request("get=1\n\n")).isEqualTo(OK);
        assertThat(device.updates()).isEmpty();
    }

    @Test
    void anUnknownOperationEndsTheConnection() throws Exception {
        start();
        UapiClient c = connect().send("bogus=1\n");
        assertThat(c.hungUp()).isTrue();
    }

    @Test
    void aGetWithTrailingBytesIsRefusedAndEndsTheConnection() throws Exception {
        start();
        UapiClient c = connect();
        assertThat(c.request("get=1\nx\n")).isEqualTo("errno=-22\n\n");
        assertThat(c.hungUp()).isTrue();
    }

    @Test
    void aSetCutOffByEndOfStreamAppliesNothing() throws Exception {
        start();
        UapiClient c = connect().send("set=1\nlisten_port=5\n");
        c.shutdownOutput();
        assertThat(c.reply()).isEqualTo("errno=-71\n\n");
        assertThat(c.hungUp()).isTrue();
        assertThat(device.updates()).isEmpty();
    }

    @Test
    void anOversizedRequestIsRefusedAndTheConnectionClosed() throws Exception {
        start(new UapiServer.Limits(10_000, 10_000, 1_000, 4));
        UapiClient c = connect();
        StringBuilder big = new StringBuilder("set=1\n");
        while (big.length() < 2_000) {
            big.append("fwmark=1\n");
        }
        assertThat(c.request(big + "\n")).isEqualTo("errno=-22\n\n");
        assertThat(c.hungUp()).isTrue();
        assertThat(device.updates()).isEmpty();
        assertThat(connect().request(SET_PORT)).isEqualTo(OK); // the limit is per request
    }

    @Test
    void idleAndStalledConnectionsAreClosed() throws Exception {
        start(new UapiServer.Limits(1_500, 300, 1 << 20, 4));
        long t0 = System.nanoTime();
        assertThat(connect().hungUp()).isTrue();
        UapiClient stalled = connect().send("set=1\nlisten_port=1\n");
        assertThat(stalled.hungUp()).isTrue();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(10_000);
        assertThat(device.updates()).isEmpty();
        // A client that keeps to the deadlines is served throughout.
        UapiClient prompt = connect();
        for (int i = 0; i < 5; i++) {
            assertThat(prompt.request("get=1\n\n")).endsWith(OK);
            Thread.sleep(100);
        }
    }

    @Test
    void connectionsBeyondTheLimitWaitTheirTurn() throws Exception {
        start(new UapiServer.Limits(10_000, 10_000, 1 << 20, 1));
        UapiClient first = connect();
        assertThat(first.request("get=1\n\n")).isEqualTo(OK);
        UapiClient second = connect().send("get=1\n\n");
        CompletableFuture<String> reply = CompletableFuture.supplyAsync(() -> {
            try {
                return second.reply();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(300);
        assertThat(reply).isNotDone();
        first.close();
        assertThat(reply.get(10, TimeUnit.SECONDS)).isEqualTo(OK);
    }

    @Test
    void manyClientsAtOnce() throws Exception {
        start();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> replies = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int port = 1000 + i;
                replies.add(pool.submit(() -> {
                    try (UapiClient c = new UapiClient(socket)) {
                        return c.request("set=1\nlisten_port=" + port + "\n\n") + c.request("get=1\n\n");
                    }
                }));
            }
            for (Future<String> r : replies) {
                assertThat(r.get()).startsWith(OK + "listen_port=").endsWith(OK);
            }
        }
        assertThat(device.updates()).hasSize(200);
    }

    @Test
    void socketIsOwnerOnlyAndItsDirectoryIsCreated() throws Exception {
        start();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())))
                .isEqualTo("rwxr-xr-x");
        try (var files = Files.list(socket.getParent())) {
            assertThat(files).containsExactly(socket); // no scratch directory left behind
        }
    }

    @Test
    void refusesASocketThatIsStillServed() throws Exception {
        start();
        assertThatThrownBy(() -> UapiServer.start(socket, new RecordingDevice()))
                .isInstanceOf(IOException.class)
                .hasMessage("interface trtest0 is already in use");
        assertThat(connect().request("get=1\n\n")).isEqualTo(OK); // the first server is untouched
    }

    @Test
    void replacesAStaleSocket() throws Exception {
        Files.createDirectories(socket.getParent());
        try (ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            crashed.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThat(socket).exists();
        start();
        assertThat(connect().request("get=1\n\n")).isEqualTo(OK);
    }

    @Test
    void neverRemovesSomethingThatIsNotASocket() throws Exception {
        Files.createDirectories(socket.getParent());
        Files.writeString(socket, "precious");
        assertThatThrownBy(this::start).isInstanceOf(IOException.class).hasMessageContaining("not a socket");
        assertThat(socket).hasContent("precious");
    }

    @Test
    void closeHangsUpRemovesTheSocketAndFreesTheName() throws Exception {
        UapiServer server = start();
        UapiClient c = connect();
        assertThat(c.request("get=1\n\n")).isEqualTo(OK);
        server.close();
        assertThat(c.hungUp()).isTrue();
        assertThat(socket).doesNotExist();
        server.close(); // idempotent
        start();
        assertThat(connect().request("get=1\n\n")).isEqualTo(OK);
    }

    @Test
    void closeLeavesAReplacementSocketAlone() throws Exception {
        UapiServer server = start();
        Files.delete(socket); // as if an operator cleaned up and another server took the name
        try (ServerSocketChannel other = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            other.bind(UnixDomainSocketAddress.of(socket));
            server.close();
            assertThat(socket).exists();
        }
    }

    @Test
    void interfaceNamesAreChecked() {
        for (String bad : List.of("", "a/b", "..", ".", "sixteen-chars-xx", "a b", "a:b", "\u00e9")) {
            assertThatThrownBy(() -> UapiServer.start(bad, device)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
