package dev.trellis.protocol.http;

/**
 * A parsed request line and header section.
 *
 * @param minorVersion 0 for HTTP/1.0, 1 for HTTP/1.1 (and later 1.x, which are served as 1.1)
 */
record RequestHead(String method, String path, String rawQuery, int minorVersion, HttpHeaders headers) {

    boolean isHead() {
        return method.equals("HEAD");
    }

    /** True if the client will not send another request on this connection. */
    boolean closesConnection() {
        return minorVersion == 0 || headers.hasToken("Connection", "close");
    }
}
