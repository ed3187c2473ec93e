package dev.trellis.protocol.http;

import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The server's side of one exchange. Before the response head is written it decides whether the
 * connection stays open: it does only if the rest of the request body can be read (at most
 * {@link #MAX_DRAIN_BYTES}) so the next request starts where this one ends.
 */
final class ServerExchange implements HttpExchange {
    /** Unread request body the server will skip to keep a connection alive (as Go's net/http). */
    static final long MAX_DRAIN_BYTES = 256 * 1024;

    private enum State { NEW, STREAMING, DONE, UPGRADED }

    private final ServerConnection conn;
    private final RequestHead head;
    private final BodyInput body;
    private final boolean expectsContinue;
    private volatile State state = State.NEW; // a streaming writer on another thread may finish the response
    private boolean closeAfter;
    private boolean continueSent;
    private byte[] bodyBytes;
    private IOException bodyFailure;
    private StreamingOutput streaming;

    ServerExchange(ServerConnection conn, RequestHead head, BodyInput body, boolean expectsContinue) {
        this.conn = conn;
        this.head = head;
        this.body = body;
        this.expectsContinue = expectsContinue;
    }

    @Override
    public String method() {
        return head.method();
    }

    @Override
    public String path() {
        return head.path();
    }

    @Override
    public String rawQuery() {
        return head.rawQuery();
    }

    @Override
    public Optional<String> query(String name) {
        Objects.requireNonNull(name, "name");
        for (String pair : head.rawQuery().split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (!pair.isEmpty() && key.equals(name)) {
                return Optional.of(eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return Optional.empty();
    }

    @Override
    public CompletionStage<Void> clientGone() {
        return conn.closed();
    }

    @Override
    public HttpHeaders requestHeaders() {
        return head.headers();
    }

    @Override
    public byte[] body() throws IOException {
        if (bodyBytes == null) {
            if (state != State.NEW) {
                throw new IllegalStateException("the request body must be read before responding");
            }
            sendContinue();
            try {
                bodyBytes = body.readAll(conn.limits().maxBodyBytes(), 413);
            } catch (IOException e) {
                closeAfter = true; // the framing is lost: nothing after this body can be trusted
                bodyFailure = e;
                throw e;
            }
        }
        return bodyBytes;
    }

    @Override
    public Optional<PeerCredentials> peer() {
        return conn.peer();
    }

    @Override
    public SocketAddress remoteAddress() {
        return conn.transport().remoteAddress();
    }

    @Override
    public boolean secure() {
        return conn.transport().secure();
    }

    @Override
    public void respond(int status, String contentType, byte[] body) {
        respond(HttpResponse.of(status, contentType, body));
    }

    @Override
    public void respond(HttpResponse response) {
        claim(State.DONE);
        boolean close = decideClose(response.closesConnection());
        boolean withBody = StatusLine.allowsBody(response.status());
        try {
            conn.writeHead(response.status(), response.headers(),
                    withBody ? "Content-Length: " + response.body().length : null, close);
            if (withBody && !head.isHead()) {
                conn.out().write(response.body());
            }
            conn.out().flush();
        } catch (IOException e) {
            conn.writeFailed(e);
            closeAfter = true;
        }
    }

    @Override
    public OutputStream respondStreaming(int status, String contentType) {
        HttpResponse.Builder b = HttpResponse.builder(status);
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return respondStreaming(b.build());
    }

    @Override
    public OutputStream respondStreaming(HttpResponse response) {
        if (response.body().length > 0) {
            throw new IllegalArgumentException("a streamed response's head carries no body");
        }
        claim(State.STREAMING);
        boolean withBody = StatusLine.allowsBody(response.status());
        StreamingOutput.Mode mode;
        String framing = null;
        closeAfter = true; // see ServerConnection.watchForHangUp
        boolean close = true;
        if (!withBody) {
            mode = StreamingOutput.Mode.DISCARD;
        } else if (head.minorVersion() == 0) {
            mode = head.isHead() ? StreamingOutput.Mode.DISCARD : StreamingOutput.Mode.UNTIL_CLOSE;
        } else {
            mode = head.isHead() ? StreamingOutput.Mode.DISCARD : StreamingOutput.Mode.CHUNKED;
            framing = "Transfer-Encoding: chunked";
        }
        streaming = new StreamingOutput(conn.out(), mode, () -> state = State.DONE);
        try {
            conn.writeHead(response.status(), response.headers(), framing, close);
            conn.out().flush();
            conn.watchForHangUp();
        } catch (IOException e) {
            conn.writeFailed(e);
            streaming.fail(e);
        }
        return streaming;
    }

    @Override
    public UpgradedConnection upgrade(String protocol, Map<String, String> extraHeaders) throws IOException {
        Syntax.requireToken(protocol, "upgrade protocol");
        HttpHeaders extra = HttpHeaders.of(extraHeaders);
        for (String reserved : new String[] {"Connection", "Upgrade", "Content-Length", "Transfer-Encoding"}) {
            if (extra.contains(reserved)) {
                throw new IllegalArgumentException(reserved + " is set by the server, not the handler");
            }
        }
        if (state != State.NEW) {
            throw new IllegalStateException("response already started");
        }
        HttpHeaders h = head.headers();
        if (head.minorVersion() == 0 || !h.hasToken("Connection", "upgrade") || !h.hasToken("Upgrade", protocol)) {
            throw new HttpStatusException(400, "this resource needs \"Connection: upgrade\" and \"Upgrade: " + protocol + "\"");
        }
        if (!body.complete()) {
            sendContinue();
            if (!body.drain(conn.limits().maxBodyBytes())) {
                throw new HttpStatusException(413, "body is larger than " + conn.limits().maxBodyBytes() + " bytes");
            }
        }
        state = State.UPGRADED;
        conn.writeHead(101, extra, "Connection: Upgrade\r\nUpgrade: " + protocol, false);
        conn.out().flush();
        return conn.handOver(h);
    }

    /**
     * True if {@code e}, thrown by the handler, is the client's doing rather than a bug: reading
     * the body failed, or the connection broke under a response.
     */
    boolean causedByClient(Throwable e) {
        return e instanceof IOException io && (io == bodyFailure || conn.transport().isClosed()
                || (streaming != null && streaming.failure() == io));
    }

    boolean answered() {
        return state != State.NEW;
    }

    boolean upgraded() {
        return state == State.UPGRADED;
    }

    boolean closeAfter() {
        return closeAfter;
    }

    void closeAfterwards() {
        closeAfter = true;
    }

    /** Ends a streamed body the handler left open, as if it had closed the stream. */
    void finishStreaming() {
        if (state == State.STREAMING) {
            try {
                streaming.close();
            } catch (IOException e) {
                closeAfter = true;
            }
        }
    }

    private void claim(State next) {
        if (state != State.NEW) {
            throw new IllegalStateException("response already " + (state == State.UPGRADED ? "upgraded" : "started"));
        }
        state = next;
    }

    private void sendContinue() throws IOException {
        if (expectsContinue && !continueSent && state == State.NEW) {
            continueSent = true;
            conn.out().write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            conn.out().flush();
        }
    }

    /** Whether to end the connection after this response; must be settled before the head goes out. */
    private boolean decideClose(boolean handlerAsked) {
        if (closeAfter || handlerAsked || head.closesConnection() || conn.serverClosing()) {
            closeAfter = true;
        } else if (!body.complete()) {
            if (expectsContinue && !continueSent) {
                closeAfter = true; // the client holds its body back until told; never tell it
            } else {
                try {
                    closeAfter |= !body.drain(MAX_DRAIN_BYTES);
                } catch (IOException e) {
                    closeAfter = true;
                }
            }
        }
        return closeAfter;
    }
}
