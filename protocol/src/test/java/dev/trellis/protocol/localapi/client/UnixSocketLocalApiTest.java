package dev.trellis.protocol.localapi.client;

import static dev.trellis.protocol.localapi.client.CannedServer.chunk;
import static dev.trellis.protocol.localapi.client.CannedServer.response;
import static dev.trellis.protocol.localapi.client.CannedServer.write;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trellis.protocol.localapi.BackendState;
import dev.trellis.protocol.localapi.ErrorCode;
import dev.trellis.protocol.localapi.MaskedPrefs;
import dev.trellis.protocol.localapi.Notify;
import dev.trellis.protocol.localapi.Options;
import dev.trellis.protocol.localapi.Prefs;
import dev.trellis.protocol.localapi.Status;
import java.net.BindException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link UnixSocketLocalApi} (over the shared Http1Client) against a real Unix socket served by {@link CannedServer}. */
class UnixSocketLocalApiTest {
    static final Duration WAIT = Duration.ofSeconds(10); // a deadline for a failing test, never a sleep
    static final String JSON = "application/json";

    @TempDir
    Path dir;

    Path socket() {
        return dir.resolve("trellisd.sock");
    }

    UnixSocketLocalApi api() {
        return new UnixSocketLocalApi(socket(), WAIT, "trellis-cli/test");
    }

    @Test
    void getStatusWithContentLength() throws Exception {
        String body = "{\"Version\":\"0.1.0\",\"BackendState\":\"Running\",\"TailscaleIPs\":[\"100.64.0.1\"],\"X\":1}";
        BlockingQueue<Boolean> clientClosed = new LinkedBlockingQueue<>();
        try (var server = new CannedServer(socket(), (req, ch) -> {
            write(ch, response(200, "OK", JSON, body));
            // One request per connection: the client hangs up once it has the reply.
            clientClosed.add(ch.read(ByteBuffer.allocate(1)) < 0);
        })) {
            Status st = api().status();
            assertThat(st.backendState()).isEqualTo(BackendState.RUNNING);
            assertThat(st.tailscaleIps()).hasSize(1);
            var req = server.requests.poll(10, SECONDS);
            assertThat(req.method()).isEqualTo("GET");
            assertThat(req.target()).isEqualTo("/localapi/v0/status");
            assertThat(req.headers()).containsEntry("host", "local-tailscaled.sock")
                    .containsEntry("user-agent", "trellis-cli/test")
                    .doesNotContainKeys("origin", "referer", "content-length");
            assertThat(clientClosed.poll(10, SECONDS)).isTrue();
            assertThat(api().statusJson()).isEqualTo(body);
            assertThat(clientClosed.poll(10, SECONDS)).isTrue();
        }
    }

    @Test
    void patchPrefsSendsJsonAndReadsAChunkedReply() throws Exception {
        try (var server = new CannedServer(socket(), (req, ch) -> write(ch,
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + chunk("{\"WantRunning\":") + chunk("false,\"Hostname\":\"laptop\"}")
                        + "0;ext=1\r\nTrailer-Field: x\r\n\r\n"))) {
            Prefs after = api().editPrefs(MaskedPrefs.builder().wantRunning(false).build());
            assertThat(after).isEqualTo(Prefs.builder().wantRunning(false).hostname("laptop").build());
            var req = server.requests.poll(10, SECONDS);
            assertThat(req.method()).isEqualTo("PATCH");
            assertThat(req.target()).isEqualTo("/localapi/v0/prefs");
            assertThat(req.headers()).containsEntry("content-type", "application/json")
                    .containsEntry("content-length", String.valueOf(req.body().length));
            assertThat(req.bodyText()).isEqualTo("{\"WantRunning\":false,\"WantRunningSet\":true}");
        }
    }

    @Test
    void postsWithAndWithoutBodies() throws Exception {
        try (var server = new CannedServer(socket(), (req, ch) -> write(ch, "HTTP/1.1 204 No Content\r\n\r\n"))) {
            api().start(new Options("tskey-1", Prefs.builder().wantRunning(true).build()));
            api().loginInteractive();
            api().logout();
            var start = server.requests.poll(10, SECONDS);
            assertThat(start.target()).isEqualTo("/localapi/v0/start");
            assertThat(start.bodyText()).isEqualTo("{\"AuthKey\":\"tskey-1\",\"UpdatePrefs\":{\"WantRunning\":true}}");
            var login = server.requests.poll(10, SECONDS);
            assertThat(login.method() + " " + login.target()).isEqualTo("POST /localapi/v0/login-interactive");
            assertThat(login.headers()).containsEntry("content-length", "0");
            assertThat(server.requests.poll(10, SECONDS).target()).isEqualTo("/localapi/v0/logout");
        }
    }

    @Test
    void errorRepliesBecomeTypedExceptions() throws Exception {
        try (var _ = new CannedServer(socket(), (req, ch) -> write(ch, switch (req.target()) {
            case "/localapi/v0/start" -> response(500, "Internal Server Error", JSON,
                    "{\"error\":\"dial tcp 127.0.0.1:1: connection refused\",\"code\":\"control-unreachable\"}\n");
            case "/localapi/v0/logout" -> response(403, "Forbidden", "text/plain; charset=utf-8",
                    "logout access denied\n");
            case "/localapi/v0/prefs" -> response(403, "Forbidden", JSON,
                    "{\"error\":\"prefs write access denied\",\"code\":\"permission-denied\",\"group\":\"trellis\"}");
            case "/localapi/v0/login-interactive" -> "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
            default -> response(400, "Bad Request", JSON, "{\"error\":\"bad\"}");
        }))) {
            assertThatThrownBy(() -> api().start(new Options(null, null)))
                    .isInstanceOfSatisfying(LocalApiErrorException.class, e -> {
                        assertThat(e.status()).isEqualTo(500);
                        assertThat(e.code()).isEqualTo(ErrorCode.CONTROL_UNREACHABLE);
                        assertThat(e.getMessage()).isEqualTo("dial tcp 127.0.0.1:1: connection refused");
                        assertThat(e.path()).isEqualTo("/localapi/v0/start");
                    });
            assertThatThrownBy(() -> api().logout()).isInstanceOfSatisfying(PermissionDeniedException.class, e -> {
                assertThat(e.getMessage()).isEqualTo("logout access denied");
                assertThat(e.group()).isNull();
            });
            assertThatThrownBy(() -> api().prefs()).isInstanceOfSatisfying(PermissionDeniedException.class,
                    e -> assertThat(e.group()).isEqualTo("trellis"));
            assertThatThrownBy(() -> api().loginInteractive()).isInstanceOfSatisfying(LocalApiErrorException.class,
                    e -> assertThat(e.getMessage()).isEqualTo("HTTP 404 without an error message"));
        }
    }

    @Test
    void watchStreamsNotificationsAsTheyArriveAcrossChunkBoundaries() throws Exception {
        CountDownLatch firstRead = new CountDownLatch(1);
        try (var server = new CannedServer(socket(), (req, ch) -> {
            write(ch, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
            write(ch, chunk("{\"Version\":\"v\",\"State\":2}\n{\"Version\":\"v\",\"Brow"));
            firstRead.await(); // the rest only once the client has the first: proves it streams
            write(ch, chunk("seToURL\":\"https://coord.example/a/1\"}\r\n\n"));
            write(ch, chunk("{\"State\":6}\n"));
            write(ch, "0\r\n\r\n");
        })) {
            try (WatchStream w = api().watch(6)) {
                assertThat(w.next(WAIT)).isEqualTo(Notify.ofState("v", BackendState.NEEDS_LOGIN));
                firstRead.countDown();
                assertThat(w.next(WAIT)).isEqualTo(Notify.ofBrowseToUrl("v", "https://coord.example/a/1"));
                assertThat(w.next(WAIT).state()).isEqualTo(BackendState.RUNNING);
                assertThatThrownBy(() -> w.next(WAIT)).isInstanceOf(DaemonNotRunningException.class)
                        .hasMessageContaining("closed the notification stream");
            }
            assertThat(server.requests.poll(10, SECONDS).target()).isEqualTo("/localapi/v0/watch-ipn-bus?mask=6");
        }
    }

    @Test
    void aQuietWatchTimesOutAndAnOversizedNotificationIsRefused() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        try (var _ = new CannedServer(socket(), (req, ch) -> {
            write(ch, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
            if (req.target().endsWith("mask=1")) {
                write(ch, chunk("x".repeat(5000)));
            }
            done.await();
        })) {
            try (WatchStream w = api().watch(0)) {
                assertThatThrownBy(() -> w.next(Duration.ofMillis(200))).isInstanceOf(LocalApiTimeoutException.class)
                        .hasMessage("no notification from trellisd within 200ms");
                // The timeout closed the connection: the subscription is over.
                assertThatThrownBy(() -> w.next(WAIT)).isInstanceOf(LocalApiIoException.class)
                        .hasMessage("the notification stream was closed after a timeout");
            }
            var small = new UnixSocketLocalApi(socket(), WAIT, "t", 1024);
            try (WatchStream w = small.watch(1)) {
                assertThatThrownBy(() -> w.next(WAIT)).isInstanceOf(LocalApiIoException.class)
                        .hasMessageContaining("longer than 1024 bytes");
            }
            done.countDown();
        }
    }

    @Test
    void aWatchCutShortByTheDaemonMeansItIsNotRunning() throws Exception {
        try (var _ = new CannedServer(socket(), (req, ch) -> write(ch, switch (req.target()) {
            // chunked, but the connection closes without the last chunk (the daemon was killed)
            case "/localapi/v0/watch-ipn-bus?mask=2" -> "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + chunk("{\"State\":6}\n");
            // delimited by the close, and the last line unterminated
            default -> "HTTP/1.1 200 OK\r\n\r\n{\"State\":6}\n{\"State\":4}";
        }))) {
            try (WatchStream w = api().watch(2)) {
                assertThat(w.next(WAIT).state()).isEqualTo(BackendState.RUNNING);
                assertThatThrownBy(() -> w.next(WAIT)).isInstanceOf(DaemonNotRunningException.class)
                        .hasMessageContaining("closed the notification stream");
            }
            try (WatchStream w = api().watch(0)) {
                assertThat(w.next(WAIT).state()).isEqualTo(BackendState.RUNNING);
                assertThat(w.next(WAIT).state()).isEqualTo(BackendState.STOPPED);
                assertThatThrownBy(() -> w.next(WAIT)).isInstanceOf(DaemonNotRunningException.class);
            }
        }
    }

    @Test
    void aWatchRefusedWithAnErrorStatusFailsLikeAnyRequest() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        try (var _ = new CannedServer(socket(), (req, ch) -> {
            switch (req.target()) {
                case "/localapi/v0/watch-ipn-bus?mask=1" -> write(ch, response(403, "Forbidden", JSON,
                        "{\"error\":\"watch access denied\",\"code\":\"permission-denied\",\"group\":\"trellis\"}"));
                case "/localapi/v0/watch-ipn-bus?mask=2" -> write(ch, "HTTP/1.1 404 Not Found\r\n\r\n");
                default -> {
                    // an error head whose promised body never comes
                    write(ch, "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 10\r\n\r\n");
                    done.await();
                }
            }
        })) {
            assertThatThrownBy(() -> api().watch(1)).isInstanceOfSatisfying(PermissionDeniedException.class, e -> {
                assertThat(e.getMessage()).isEqualTo("watch access denied");
                assertThat(e.group()).isEqualTo("trellis");
            });
            assertThatThrownBy(() -> api().watch(2)).isInstanceOfSatisfying(LocalApiErrorException.class, e -> {
                assertThat(e.status()).isEqualTo(404);
                assertThat(e.path()).isEqualTo("/localapi/v0/watch-ipn-bus");
            });
            var impatient = new UnixSocketLocalApi(socket(), Duration.ofMillis(300), "t");
            assertThatThrownBy(() -> impatient.watch(0)).isInstanceOf(LocalApiTimeoutException.class)
                    .hasMessageStartingWith("trellisd did not answer /localapi/v0/watch-ipn-bus within 300ms");
            done.countDown();
        }
    }

    @Test
    void malformedRepliesAreIoErrorsNotHangs() throws Exception {
        try (var _ = new CannedServer(socket(), (req, ch) -> write(ch, switch (req.target()) {
            case "/localapi/v0/status" -> "SSH-2.0-OpenSSH_9.6\r\n\r\n";
            case "/localapi/v0/prefs" -> "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n";
            case "/localapi/v0/logout" -> "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort";
            case "/localapi/v0/start" -> "HTTP/1.1 200 OK\r\nContent-Length: 2048\r\n\r\n" + "x".repeat(2048);
            case "/localapi/v0/login-interactive" -> "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n";
            default -> response(200, "OK", JSON, "{\"State\":99}\n");
        }))) {
            assertThatThrownBy(() -> api().status()).isInstanceOf(LocalApiIoException.class)
                    .hasMessageStartingWith("malformed reply to /localapi/v0/status (")
                    .hasMessageContaining("status line is not").hasMessageContaining("is " + socket() + " trellisd's socket?");
            assertThatThrownBy(() -> api().prefs()).isInstanceOf(LocalApiIoException.class)
                    .hasMessageContaining("bad chunk size");
            assertThatThrownBy(() -> api().logout()).isInstanceOf(LocalApiIoException.class)
                    .hasMessageContaining("connection to trellisd lost during /localapi/v0/logout")
                    .hasMessageContaining("5 of 100 body bytes");
            var small = new UnixSocketLocalApi(socket(), WAIT, "t", 1024);
            assertThatThrownBy(() -> small.start(new Options(null, null))).isInstanceOf(LocalApiIoException.class)
                    .hasMessageContaining("larger than 1024 bytes");
            assertThatThrownBy(() -> api().loginInteractive()).isInstanceOf(LocalApiIoException.class)
                    .hasMessageContaining("more than one Content-Length");
            try (WatchStream w = api().watch(0)) {
                assertThatThrownBy(() -> w.next(WAIT)).isInstanceOf(LocalApiIoException.class)
                        .hasMessageContaining("malformed Notify").hasMessageContaining("unknown backend state number 99");
            }
        }
    }

    @Test
    void aDaemonThatNeverAnswersTimesOut() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        try (var _ = new CannedServer(socket(), (req, ch) -> done.await())) {
            var impatient = new UnixSocketLocalApi(socket(), Duration.ofMillis(300), "t");
            assertThatThrownBy(impatient::status).isInstanceOf(LocalApiTimeoutException.class)
                    .hasMessage("trellisd did not answer /localapi/v0/status within 300ms: it may be stuck; "
                            + "check `systemctl status trellisd`");
            done.countDown();
        }
    }

    @Test
    void noSocketOrAStaleOneMeansTheDaemonIsNotRunning() throws Exception {
        assertThatThrownBy(() -> api().status()).isInstanceOf(DaemonNotRunningException.class)
                .hasMessage("trellisd is not running (no socket at " + socket() + "): start it with "
                        + "`sudo trellisd` or `systemctl start trellisd`");
        ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(socket())).close();
        assertThat(socket()).exists();
        assertThatThrownBy(() -> api().watch(0)).isInstanceOf(DaemonNotRunningException.class)
                .hasMessageContaining("nothing listens on " + socket());
    }

    /**
     * Tests run as root, whom the kernel never refuses, so EACCES is fed in as the JDK reports it
     * for a Unix connect (checked by hand as a non-root user): BindException, message in the
     * user's locale.
     */
    @Test
    void connectFailuresAreToldApartByTheJdksExceptionTypes() throws Exception {
        Files.createFile(socket());
        Files.setPosixFilePermissions(socket(), PosixFilePermissions.fromString("rw-rw----"));
        String group = Files.readAttributes(socket(), java.nio.file.attribute.PosixFileAttributes.class).group().getName();
        String path = "/localapi/v0/status";
        assertThat(api().transportFailure(new BindException("Keine Berechtigung"), path))
                .isInstanceOfSatisfying(PermissionDeniedException.class, e -> {
                    assertThat(e.getMessage()).isEqualTo("cannot open " + socket());
                    assertThat(e.group()).isEqualTo(group);
                });
        assertThat(api().transportFailure(new SocketException("Permission denied"), path))
                .isInstanceOf(PermissionDeniedException.class);
        assertThat(api().transportFailure(new ConnectException("Connection refused"), path))
                .isInstanceOf(DaemonNotRunningException.class).hasMessageContaining("nothing listens on " + socket());
        assertThat(api().transportFailure(new SocketException("Connection reset"), path))
                .isInstanceOf(LocalApiIoException.class)
                .hasMessage("connection to trellisd lost during " + path + ": Connection reset");
        Files.delete(socket());
        assertThat(api().transportFailure(new SocketException("Datei oder Verzeichnis nicht gefunden"), path))
                .isInstanceOf(DaemonNotRunningException.class).hasMessageContaining("no socket at " + socket());
    }

    @Test
    void theSocketsGroupIsNamedOnlyIfItsMembersMayWrite() throws Exception {
        Path f = Files.createFile(dir.resolve("s"));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-rw----"));
        assertThat(UnixSocketLocalApi.writableGroup(f)).isEqualTo(
                Files.readAttributes(f, java.nio.file.attribute.PosixFileAttributes.class).group().getName());
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
        assertThat(UnixSocketLocalApi.writableGroup(f)).isNull();
    }
}
