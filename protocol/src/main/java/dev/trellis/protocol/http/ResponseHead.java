package dev.trellis.protocol.http;

/** A parsed status line and header section. */
record ResponseHead(int status, int minorVersion, HttpHeaders headers) {

    /** True if the server will not take another request on this connection. */
    boolean closesConnection() {
        return minorVersion == 0 || headers.hasToken("Connection", "close");
    }
}
