package dev.trellis.cli;

import static dev.trellis.protocol.localapi.client.CannedServer.chunk;
import static dev.trellis.protocol.localapi.client.CannedServer.response;
import static dev.trellis.protocol.localapi.client.CannedServer.write;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.protocol.localapi.client.CannedServer;
import dev.trellis.protocol.localapi.client.UnixSocketLocalApi;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code trellis up} end to end over a real socket: the watch stays open while start is posted. */
class UpOverSocketTest {

    @Test
    void upFollowsTheBusWhileOtherRequestsRunOnTheirOwnConnections(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("trellisd.sock");
        CountDownLatch loginAsked = new CountDownLatch(1);
        try (var server = new CannedServer(socket, (req, ch) -> {
            switch (req.target()) {
                case "/localapi/v0/status" -> write(ch, response(200, "OK", "application/json",
                        "{\"Version\":\"0.1.0\",\"BackendState\":\"NeedsLogin\"}"));
                case "/localapi/v0/watch-ipn-bus?mask=6" -> {
                    write(ch, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
                    write(ch, chunk("{\"Version\":\"0.1.0\",\"State\":2}\n"));
                    if (loginAsked.await(10, SECONDS)) {
                        write(ch, chunk("{\"BrowseToURL\":\"https://coord.example/a/9\"}\n{\"State\":5}\n"));
                        write(ch, chunk("{\"LoginFinished\":{}}\n{\"State\":6}\n"));
                    }
                    ch.read(java.nio.ByteBuffer.allocate(1)); // hold the stream open until the client hangs up
                }
                case "/localapi/v0/start" -> write(ch, "HTTP/1.1 204 No Content\r\n\r\n");
                case "/localapi/v0/login-interactive" -> {
                    write(ch, "HTTP/1.1 204 No Content\r\n\r\n");
                    loginAsked.countDown();
                }
                default -> write(ch, response(404, "Not Found", "text/plain", "404 page not found\n"));
            }
        })) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            var env = new CliEnvironment(new PrintWriter(out), new PrintWriter(err),
                    p -> new UnixSocketLocalApi(p, Duration.ofSeconds(10), "trellis-cli/test"),
                    Map.of(), Clock.systemUTC(), url -> { });

            int exit = Trellis.run(new String[] {"--socket", socket.toString(), "up", "--timeout", "20s"}, env);

            assertThat(exit).as(err.toString()).isZero();
            assertThat(err.toString()).isEqualTo("To authenticate, visit:\n\n\thttps://coord.example/a/9\n\nSuccess.\n");
            List<String> targets = new ArrayList<>();
            server.requests.forEach(r -> targets.add(r.method() + " " + r.target()));
            assertThat(targets).containsExactly("GET /localapi/v0/status", "GET /localapi/v0/watch-ipn-bus?mask=6",
                    "POST /localapi/v0/start", "POST /localapi/v0/login-interactive");
        }
    }
}
