package dev.trellis.protocol.http;

import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * One request and its response, on the connection's own thread. Exactly one of
 * {@code respond}, {@code respondStreaming} or {@code upgrade} may be called, once; a second call
 * throws {@link IllegalStateException}. The response methods never throw for a peer that has gone
 * away: the server notices, drops the connection after the handler returns, and the streaming
 * output's writes fail so a long-lived handler ends.
 */
public interface HttpExchange {
    String method();

    /** The request path as sent (percent-encoding kept), without the query; starts with '/' (or is "*" for {@code OPTIONS *}). */
    String path();

    /** The query as sent, without '?'; empty if there was none. */
    String rawQuery();

    /** The first value of the query parameter {@code name}, percent- and '+'-decoded as UTF-8. */
    Optional<String> query(String name);

    HttpHeaders requestHeaders();

    /**
     * Reads the whole request body (empty if it has none) and returns it; later calls return the
     * same bytes. Call it before responding. Throws {@link HttpStatusException} 413 beyond {@link HttpLimits#maxBodyBytes()}
     * and 400 for a malformed chunked body; the handler should let it propagate.
     */
    byte[] body() throws IOException;

    /**
     * Completes when the connection has closed: the client hung up, the server closed, or a write
     * stalled. While a streamed response is open a hang-up is seen at once (the server watches the
     * input); otherwise only at the next read or write. A streaming handler that waits for events
     * should stop waiting when this completes, e.g. {@code clientGone().thenRun(subscription::cancel)}.
     */
    CompletionStage<Void> clientGone();

    /** The peer's credentials on a Unix-socket connection; empty on TCP and TLS. */
    Optional<PeerCredentials> peer();

    SocketAddress remoteAddress();

    /** True on a TLS connection. */
    boolean secure();

    /** Sends a complete response with Content-Length (without the body for HEAD). */
    void respond(int status, String contentType, byte[] body);

    void respond(HttpResponse response);

    /**
     * Sends the head of a response whose body follows in pieces (chunked; for an HTTP/1.0 client,
     * delimited by closing the connection) and returns its body stream: each {@code flush()} sends
     * everything written so far, {@code close()} ends the body, and so does the handler's return
     * at the latest: keep the handler running for as long as the stream should live. Writers on
     * several threads are serialized; writes fail once the peer or the server has closed the
     * connection, or once the peer has read nothing for the idle timeout. The connection closes
     * after a streamed response, and while it is open a client hang-up is noticed at once (see
     * {@link #clientGone()}).
     */
    OutputStream respondStreaming(int status, String contentType);

    /** As {@link #respondStreaming(int, String)}, with the status and headers of {@code head}, whose body must be empty. */
    OutputStream respondStreaming(HttpResponse head);

    /**
     * Answers {@code 101 Switching Protocols} to a request that asked for {@code protocol}
     * ({@code Connection: upgrade} and {@code Upgrade: protocol} on HTTP/1.1; else
     * {@link HttpStatusException} 400) and hands the connection over. Any request body is read
     * first, within the body limit. The connection then belongs to the caller, who may keep it
     * after the handler returns and must close it; it still counts as one of the server's open
     * connections until closed.
     */
    UpgradedConnection upgrade(String protocol, Map<String, String> extraHeaders) throws IOException;
}
