package dev.trellis.protocol.http;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * Serves the requests of one connection, one after another, on its own virtual thread. Every
 * wait is bounded: the TLS handshake and each request head by {@link HttpLimits#headerReadTimeout},
 * the pause between requests, each body read and each write by {@link HttpLimits#idleTimeout}.
 */
final class ServerConnection implements Runnable {
    private static final System.Logger LOG = System.getLogger(HttpServer.class.getName());
    private static final int BUFFER = 8192;

    private enum Outcome { KEEP_ALIVE, CLOSE, HANDED_OVER }

    private final HttpServer server;
    private final Transport transport;
    private final SSLContext tls;
    private final HttpLimits limits;
    private final int idleMillis;
    private ConnectionInput in;
    private OutputStream out;
    private Optional<PeerCredentials> peer = Optional.empty();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private boolean streamed;

    ServerConnection(HttpServer server, Transport transport, SSLContext tls, HttpLimits limits) {
        this.server = server;
        this.transport = transport;
        this.tls = tls;
        this.limits = limits;
        this.idleMillis = HttpLimits.Timeouts.millis(limits.idleTimeout());
        transport.onClose(() -> closed.complete(null));
    }

    @Override
    public void run() {
        boolean handedOver = false;
        try {
            long deadline = System.nanoTime() + limits.headerReadTimeout().toNanos();
            if (tls != null) {
                ((SocketTransport) transport).startServerTls(tls, millisUntil(deadline));
            }
            peer = transport.peer();
            in = new ConnectionInput(transport, BUFFER);
            out = new BufferedOutputStream(transport.output(idleMillis), BUFFER);
            for (boolean first = true; !server.isClosed(); first = false) {
                if (first) {
                    in.deadline(deadline);
                } else {
                    in.clearDeadline();
                    in.readTimeout(idleMillis);
                }
                try {
                    if (in.peek() < 0) {
                        return; // the client is done
                    }
                } catch (SocketTimeoutException e) {
                    return; // idle: no request begun, so no 408
                }
                if (!first) {
                    in.readTimeout(0);
                    in.deadline(System.nanoTime() + limits.headerReadTimeout().toNanos());
                }
                Outcome outcome = serveOne();
                if (outcome == Outcome.HANDED_OVER) {
                    handedOver = true;
                    return;
                }
                if (outcome == Outcome.CLOSE) {
                    if (!streamed) { // after a stream the watcher has been reading all along
                        lingeringClose(transport, in);
                    }
                    return;
                }
            }
        } catch (EOFException | SocketTimeoutException e) {
            LOG.log(System.Logger.Level.DEBUG, "connection from {0} ended: {1}", transport.remoteAddress(), e.getMessage());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "connection from {0} failed: {1}", transport.remoteAddress(), e.toString());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "connection from " + transport.remoteAddress() + " failed", e);
        } finally {
            if (!handedOver) {
                transport.close();
            }
        }
    }

    private Outcome serveOne() throws IOException {
        RequestHead head;
        long length;
        try {
            head = HeadParser.readRequest(in, limits);
            length = Framing.request(head);
        } catch (SocketTimeoutException e) {
            return reject(408, "request head not received within " + limits.headerReadTimeout().toMillis() + " ms");
        } catch (HttpStatusException e) {
            return reject(e.status(), e.getMessage());
        }
        in.clearDeadline();
        in.readTimeout(idleMillis);
        Optional<String> expect = head.headers().first("Expect");
        boolean expectsContinue = expect.isPresent() && head.minorVersion() == 1;
        if (expectsContinue && !expect.get().equalsIgnoreCase("100-continue")) {
            return reject(417, "only \"Expect: 100-continue\" is supported");
        }
        if (length > limits.maxBodyBytes()) {
            return reject(413, "body of " + length + " bytes is larger than the limit of " + limits.maxBodyBytes());
        }
        BodyInput body = length == Framing.CHUNKED
                ? new BodyInput.Chunked(in, limits.maxBodyBytes(), 413, limits.maxHeaderBytes(), limits.maxHeaders())
                : length == 0 ? BodyInput.EMPTY : new BodyInput.Fixed(in, length);
        ServerExchange exchange = new ServerExchange(this, head, body, expectsContinue && length != 0);
        boolean clientFailed = false;
        boolean failed = true;
        try {
            server.handler().handle(exchange);
            failed = false;
        } catch (HttpStatusException e) {
            answerFailure(exchange, e.status(), e.getMessage());
        } catch (Exception | Error e) {
            if (exchange.causedByClient(e)) {
                clientFailed = true;
                LOG.log(System.Logger.Level.DEBUG, "client of {0} {1} failed: {2}", head.method(), head.path(), e.toString());
                if (e instanceof SocketTimeoutException) {
                    answerFailure(exchange, 408, "request body not received in time");
                }
                exchange.closeAfterwards();
            } else {
                LOG.log(System.Logger.Level.WARNING, "handler for " + head.method() + " " + head.path() + " failed", e);
                answerFailure(exchange, 500, "internal server error");
            }
        }
        if (exchange.upgraded()) {
            // A handler that failed after upgrading cannot be trusted to own the connection.
            return failed ? Outcome.CLOSE : Outcome.HANDED_OVER;
        }
        exchange.finishStreaming();
        if (!exchange.answered() && !clientFailed) {
            LOG.log(System.Logger.Level.WARNING, "handler for {0} {1} returned without responding", head.method(), head.path());
            answerFailure(exchange, 500, "internal server error: no response");
        }
        return exchange.closeAfter() || transport.isClosed() ? Outcome.CLOSE : Outcome.KEEP_ALIVE;
    }

    private static void answerFailure(ServerExchange exchange, int status, String message) {
        if (exchange.answered()) {
            exchange.closeAfterwards(); // too late for a status: end the response by closing
        } else {
            exchange.respond(HttpResponse.text(status, message + "\n"));
        }
    }

    /** Answers a request that cannot be served and ends the connection. */
    private Outcome reject(int status, String message) {
        LOG.log(System.Logger.Level.DEBUG, "rejected request from {0}: {1}", transport.remoteAddress(), status);
        try {
            writeHead(status, HttpHeaders.builder().addChecked("Content-Type", "text/plain; charset=utf-8").build(),
                    "Content-Length: " + (message.length() + 1), true);
            out.write((message + "\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        } catch (IOException e) {
            writeFailed(e);
        }
        return Outcome.CLOSE;
    }

    /**
     * Writes a status line and header section into the buffer (not flushed). {@code framing} is
     * zero or more pre-checked header lines joined by CRLF, or null.
     */
    void writeHead(int status, HttpHeaders headers, String framing, boolean close) throws IOException {
        StringBuilder h = new StringBuilder(128);
        h.append("HTTP/1.1 ").append(status).append(' ').append(StatusLine.reason(status)).append("\r\n");
        headers.forEach((name, value) -> {
            if (!name.equalsIgnoreCase("Connection")) {
                h.append(name).append(": ").append(value).append("\r\n");
            }
        });
        if (framing != null) {
            h.append(framing).append("\r\n");
        }
        if (close) {
            h.append("Connection: close\r\n");
        }
        h.append("\r\n");
        out.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Hands the connection, with any bytes read ahead, to the protocol it upgraded to. */
    UpgradedConnection handOver(HttpHeaders requestHeaders) {
        in.clearDeadline();
        in.readTimeout(0);
        return new RawConnection(transport, in, transport.output(idleMillis), requestHeaders);
    }

    /**
     * While a streamed response is open, reads (and drops) whatever the client sends, so that the
     * client's hang-up is noticed at once rather than at the next write: end of stream or an error
     * closes the connection, which fails the stream's writes and completes
     * {@link HttpExchange#clientGone()}. The connection serves no request after a stream, so the
     * input is this thread's alone from here on.
     */
    void watchForHangUp() {
        streamed = true;
        in.clearDeadline();
        in.readTimeout(0);
        Thread.ofVirtual().name("trellis-http-watch " + transport.remoteAddress()).start(() -> {
            byte[] scratch = new byte[1024];
            try {
                while (in.read(scratch, 0, scratch.length) >= 0) {
                    // a client has nothing to say during a stream
                }
            } catch (IOException | RuntimeException ignored) {
                // gone, one way or another
            } finally {
                transport.close();
            }
        });
    }

    CompletionStage<Void> closed() {
        return closed.minimalCompletionStage();
    }

    void writeFailed(IOException e) {
        LOG.log(System.Logger.Level.DEBUG, "response to {0} not delivered: {1}", transport.remoteAddress(), e.toString());
    }

    HttpLimits limits() {
        return limits;
    }

    OutputStream out() {
        return out;
    }

    Transport transport() {
        return transport;
    }

    Optional<PeerCredentials> peer() {
        return peer;
    }

    boolean serverClosing() {
        return server.isClosed();
    }

    /**
     * Half-closes, then reads and drops what the client still sends (at most 64 KiB, for at most
     * one second) before closing. Closing with unread input makes the kernel send RST, which can
     * destroy the response we just sent before the client reads it.
     */
    static void lingeringClose(Transport transport, ConnectionInput in) {
        try {
            transport.shutdownOutput();
            in.readTimeout(0);
            in.deadline(System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
            byte[] scratch = new byte[8192];
            for (int total = 0; total < 64 * 1024; ) {
                int n = in.read(scratch, 0, scratch.length);
                if (n < 0) {
                    break;
                }
                total += n;
            }
        } catch (IOException | RuntimeException ignored) {
            // the client is gone or too slow to wait for
        } finally {
            transport.close();
        }
    }

    private static int millisUntil(long deadline) {
        return (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }
}
