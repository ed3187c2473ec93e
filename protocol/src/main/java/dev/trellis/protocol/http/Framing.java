package dev.trellis.protocol.http;

import java.util.List;

/**
 * Where a message body ends (RFC 9112 section 6.3). Requests whose framing two parsers could read
 * differently are refused: Transfer-Encoding together with Content-Length, more than one
 * Content-Length, or a Content-Length that is not plain digits.
 */
final class Framing {
    static final long CHUNKED = -1;
    static final long UNTIL_CLOSE = -2;

    /** Longest Content-Length accepted: 18 digits cannot overflow a long. */
    private static final int MAX_LENGTH_DIGITS = 18;

    private Framing() {}

    /** The request body's length, {@link #CHUNKED}, or 0 when it has none. */
    static long request(RequestHead head) throws HttpStatusException {
        HttpHeaders h = head.headers();
        if (h.contains("Transfer-Encoding")) {
            if (head.minorVersion() == 0) {
                throw new HttpStatusException(400, "Transfer-Encoding in an HTTP/1.0 request");
            }
            if (h.contains("Content-Length")) {
                throw new HttpStatusException(400, "both Transfer-Encoding and Content-Length");
            }
            return chunkedOnly(h.elements("Transfer-Encoding"), 501);
        }
        return contentLength(h, 0);
    }

    /** The response body's length, {@link #CHUNKED} or {@link #UNTIL_CLOSE}. */
    static long response(int status, boolean toHead, HttpHeaders h) throws HttpStatusException {
        if (toHead || !StatusLine.allowsBody(status)) {
            return 0;
        }
        if (h.contains("Transfer-Encoding")) {
            if (h.contains("Content-Length")) {
                throw new HttpStatusException(502, "response has both Transfer-Encoding and Content-Length");
            }
            List<String> codings = h.elements("Transfer-Encoding");
            if (!codings.isEmpty() && codings.getLast().equalsIgnoreCase("chunked")) {
                return chunkedOnly(codings, 502);
            }
            return UNTIL_CLOSE; // RFC 9112 section 6.3, rule 4
        }
        return contentLength(h, UNTIL_CLOSE);
    }

    private static long chunkedOnly(List<String> codings, int unsupportedStatus) throws HttpStatusException {
        if (codings.size() == 1 && codings.getFirst().equalsIgnoreCase("chunked")) {
            return CHUNKED;
        }
        if (codings.isEmpty() || codings.subList(0, codings.size() - 1).stream().anyMatch("chunked"::equalsIgnoreCase)
                || !codings.getLast().equalsIgnoreCase("chunked")) {
            throw new HttpStatusException(400, "Transfer-Encoding must end with a single chunked: " + codings);
        }
        throw new HttpStatusException(unsupportedStatus, "unsupported transfer coding: " + codings);
    }

    private static long contentLength(HttpHeaders h, long absent) throws HttpStatusException {
        List<String> values = h.all("Content-Length");
        if (values.isEmpty()) {
            return absent;
        }
        if (values.size() > 1) {
            throw new HttpStatusException(400, "more than one Content-Length");
        }
        String v = values.getFirst();
        if (v.isEmpty() || v.length() > MAX_LENGTH_DIGITS || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new HttpStatusException(400, "Content-Length is not a decimal number: " + Syntax.printable(v));
        }
        return Long.parseLong(v);
    }
}
