package dev.trellis.protocol.http;

import java.nio.charset.StandardCharsets;

/** A complete response as {@link Http1Client#send} read it. The body array is not copied. */
public record HttpResult(int status, HttpHeaders headers, byte[] body) {

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    public boolean isSuccess() {
        return status >= 200 && status <= 299;
    }
}
