package dev.trellis.protocol.http;

import java.io.IOException;

/**
 * Reads request and response heads (RFC 9112 sections 2-5) strictly: one SP between request-line
 * parts, CRLF line ends, no obs-fold, no whitespace before a header's colon, no control
 * characters. Ambiguity is what request smuggling feeds on, so anything unusual is a 400 rather
 * than a guess. Limits are checked as bytes arrive, never after buffering.
 */
final class HeadParser {
    /** Empty lines tolerated before a request line (RFC 9112 section 2.2 asks for at least one). */
    private static final int MAX_LEADING_EMPTY_LINES = 4;
    private static final int MAX_INTERIM_RESPONSES = 8;

    private HeadParser() {}

    static RequestHead readRequest(ConnectionInput in, HttpLimits limits) throws IOException {
        String line = "";
        for (int i = 0; line.isEmpty(); i++) {
            if (i > MAX_LEADING_EMPTY_LINES) {
                throw new HttpStatusException(400, "too many empty lines before the request line");
            }
            line = in.readLine(limits.maxRequestLineBytes(), 414, "request line");
        }
        int sp1 = line.indexOf(' ');
        int sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
        if (sp1 <= 0 || sp2 < 0 || line.indexOf(' ', sp2 + 1) >= 0) {
            throw new HttpStatusException(400, "request line is not \"METHOD target HTTP/1.1\": " + Syntax.printable(line));
        }
        String method = line.substring(0, sp1);
        String target = line.substring(sp1 + 1, sp2);
        int minor = version(line.substring(sp2 + 1), 400);
        if (!Syntax.isToken(method)) {
            throw new HttpStatusException(400, "method is not a token: " + Syntax.printable(method));
        }
        checkTarget(method, target);
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        String rawQuery = q < 0 ? "" : target.substring(q + 1);
        HttpHeaders headers = readFields(in, limits.maxHeaderBytes(), limits.maxHeaders(), 431, "header");
        if (minor == 1 && headers.all("Host").size() != 1) {
            throw new HttpStatusException(400, "an HTTP/1.1 request needs exactly one Host header");
        }
        return new RequestHead(method, path, rawQuery, minor, headers);
    }

    /** A response's status line and header section; interim 1xx responses other than 101 are skipped. */
    static ResponseHead readResponse(ConnectionInput in, ClientLimits limits) throws IOException {
        for (int interim = 0; ; interim++) {
            String line = in.readLine(limits.maxStatusLineBytes(), 502, "status line");
            if (line.length() < 12 || line.charAt(8) != ' ' || (line.length() > 12 && line.charAt(12) != ' ')) {
                throw new HttpStatusException(502, "status line is not \"HTTP/1.1 200 OK\": " + Syntax.printable(line));
            }
            int minor = version(line.substring(0, 8), 502);
            String code = line.substring(9, 12);
            if (!code.chars().allMatch(c -> c >= '0' && c <= '9') || code.charAt(0) == '0'
                    || !Syntax.isFieldValue(line)) {
                throw new HttpStatusException(502, "bad status line: " + Syntax.printable(line));
            }
            int status = Integer.parseInt(code);
            HttpHeaders headers = readFields(in, limits.maxHeaderBytes(), limits.maxHeaders(), 502, "response header");
            if (status >= 200 || status == 101) {
                return new ResponseHead(status, minor, headers);
            }
            if (interim >= MAX_INTERIM_RESPONSES) {
                throw new HttpStatusException(502, "more than " + MAX_INTERIM_RESPONSES + " interim responses");
            }
        }
    }

    /** Parses "HTTP/1.x" into x; HTTP/2 and later get 505, anything else {@code badStatus}. */
    static int version(String text, int badStatus) throws HttpStatusException {
        if (text.length() != 8 || !text.startsWith("HTTP/") || text.charAt(6) != '.'
                || !Character.isDigit(text.charAt(5)) || !Character.isDigit(text.charAt(7))) {
            throw new HttpStatusException(badStatus, "not an HTTP version: " + Syntax.printable(text));
        }
        if (text.charAt(5) != '1') {
            throw new HttpStatusException(505, "only HTTP/1.0 and HTTP/1.1 are supported, not " + text);
        }
        return text.charAt(7) == '0' ? 0 : 1;
    }

    /**
     * Origin form only ("/path?query", or "*" for OPTIONS): this server is no proxy. Visible ASCII,
     * no fragment, and every '%' followed by two hex digits, so decoding later cannot fail.
     */
    private static void checkTarget(String method, String target) throws HttpStatusException {
        if (target.equals("*") && method.equals("OPTIONS")) {
            return;
        }
        if (!target.startsWith("/")) {
            throw new HttpStatusException(400, "request target must start with '/': " + Syntax.printable(target));
        }
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '#') {
                throw new HttpStatusException(400, "request target has a character not allowed in a URI: " + Syntax.printable(target));
            }
            if (c == '%' && (i + 2 >= target.length()
                    || !Syntax.isHexDigit(target.charAt(i + 1)) || !Syntax.isHexDigit(target.charAt(i + 2)))) {
                throw new HttpStatusException(400, "bad percent-encoding in request target: " + Syntax.printable(target));
            }
        }
    }

    /**
     * Reads header (or trailer) lines up to the empty line. {@code maxBytes} counts every line with
     * its CRLF; exceeding it or {@code maxFields} throws {@code tooLargeStatus}.
     */
    static HttpHeaders readFields(ConnectionInput in, int maxBytes, int maxFields, int tooLargeStatus, String what)
            throws IOException {
        HttpHeaders.Builder headers = HttpHeaders.builder();
        int budget = maxBytes;
        int count = 0;
        while (true) {
            if (budget < 2) {
                throw new HttpStatusException(tooLargeStatus, what + " section is larger than " + maxBytes + " bytes");
            }
            String line = in.readLine(budget - 2, tooLargeStatus, what + " section");
            budget -= line.length() + 2;
            if (line.isEmpty()) {
                return headers.build();
            }
            if (++count > maxFields) {
                throw new HttpStatusException(tooLargeStatus, "more than " + maxFields + " " + what + " fields");
            }
            char first = line.charAt(0);
            if (first == ' ' || first == '\t') {
                throw new HttpStatusException(400, "obsolete line folding in " + what + " section");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new HttpStatusException(400, what + " line without a name and ':': " + Syntax.printable(line));
            }
            String name = line.substring(0, colon);
            if (!Syntax.isToken(name)) {
                throw new HttpStatusException(400, what + " name is not a token: " + Syntax.printable(name));
            }
            String value = Syntax.trimOws(line.substring(colon + 1));
            if (!Syntax.isFieldValue(value)) {
                throw new HttpStatusException(400, "control character in " + what + " " + name);
            }
            headers.addChecked(name, value);
        }
    }
}
