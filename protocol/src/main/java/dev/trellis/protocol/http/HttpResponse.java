package dev.trellis.protocol.http;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A complete response for {@link HttpExchange#respond(HttpResponse)}, or the status and headers of
 * a streamed one. The server frames the body itself, so {@code Content-Length},
 * {@code Transfer-Encoding} and {@code Upgrade} may not be set; {@code Connection} may only be
 * {@code close}, which ends the connection after this response. The body array is not copied.
 */
public record HttpResponse(int status, HttpHeaders headers, byte[] body) {

    public HttpResponse {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("response status must be 200-599, got " + status);
        }
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(body, "body");
        for (String framing : new String[] {"Content-Length", "Transfer-Encoding", "Upgrade"}) {
            if (headers.contains(framing)) {
                throw new IllegalArgumentException(framing + " is set by the server, not the handler");
            }
        }
        for (String value : headers.all("Connection")) {
            if (!value.equalsIgnoreCase("close")) {
                throw new IllegalArgumentException("Connection header may only be \"close\"");
            }
        }
        if (!StatusLine.allowsBody(status) && body.length > 0) {
            throw new IllegalArgumentException("status " + status + " has no body");
        }
    }

    public static HttpResponse of(int status, String contentType, byte[] body) {
        return builder(status).body(contentType, body).build();
    }

    /** A UTF-8 plain-text response. */
    public static HttpResponse text(int status, String text) {
        return of(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    public static Builder builder(int status) {
        return new Builder(status);
    }

    /** True if the handler asked for the connection to end after this response. */
    boolean closesConnection() {
        return headers.contains("Connection");
    }

    public static final class Builder {
        private final int status;
        private final HttpHeaders.Builder headers = HttpHeaders.builder();
        private byte[] body = new byte[0];

        private Builder(int status) {
            this.status = status;
        }

        public Builder header(String name, String value) {
            headers.add(name, value);
            return this;
        }

        /** Sets the body and, unless null, its Content-Type. */
        public Builder body(String contentType, byte[] bytes) {
            if (contentType != null) {
                headers.add("Content-Type", contentType);
            }
            this.body = Objects.requireNonNull(bytes, "body");
            return this;
        }

        public HttpResponse build() {
            return new HttpResponse(status, headers.build(), body);
        }
    }
}
