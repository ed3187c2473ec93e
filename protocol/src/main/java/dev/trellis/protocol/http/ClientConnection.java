package dev.trellis.protocol.http;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;

/** One client connection: writes requests, reads response heads and bodies, within {@link ClientLimits}. */
final class ClientConnection {
    private static final int BUFFER = 8192;

    final Transport transport;
    final ConnectionInput in;
    private final OutputStream out;
    private final ClientLimits limits;
    private final int readMillis;
    long idleSince;

    ClientConnection(Transport transport, ClientLimits limits) {
        this.transport = transport;
        this.limits = limits;
        this.readMillis = HttpLimits.Timeouts.millis(limits.readTimeout());
        this.in = new ConnectionInput(transport, BUFFER);
        this.out = new BufferedOutputStream(transport.output(readMillis), BUFFER);
    }

    /** Sends a request whose head lines were checked by the caller. */
    void writeRequest(String head, byte[] bodyOrNull) throws IOException {
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        if (bodyOrNull != null) {
            out.write(bodyOrNull);
        }
        out.flush();
    }

    /** Waits up to the response timeout for the first byte; false if the connection closed first. */
    boolean awaitResponse() throws IOException {
        in.readTimeout(0);
        in.deadline(System.nanoTime() + limits.responseTimeout().toNanos());
        return in.peek() >= 0;
    }

    ResponseHead readHead() throws IOException {
        try {
            return HeadParser.readResponse(in, limits);
        } catch (HttpStatusException e) {
            throw new ProtocolException("malformed response: " + e.getMessage());
        }
    }

    /** The body after {@code head}; reads time out after the read timeout, or never if {@code untimed}. */
    BodyInput body(ResponseHead head, boolean toHead, boolean untimed) throws IOException {
        in.clearDeadline();
        in.readTimeout(untimed ? 0 : readMillis);
        long length;
        try {
            length = Framing.response(head.status(), toHead, head.headers());
        } catch (HttpStatusException e) {
            throw new ProtocolException("malformed response: " + e.getMessage());
        }
        if (length == Framing.CHUNKED) {
            return new BodyInput.Chunked(in, untimed ? Long.MAX_VALUE : limits.maxBodyBytes(), 502,
                    limits.maxHeaderBytes(), limits.maxHeaders());
        }
        if (length == Framing.UNTIL_CLOSE) {
            return new BodyInput.UntilClose(in);
        }
        return length == 0 ? BodyInput.EMPTY : new BodyInput.Fixed(in, length);
    }

    /** Reads a whole body, or fails past {@code max} bytes. */
    static byte[] readAll(BodyInput body, long max) throws IOException {
        try {
            return body.readAll(max, 502);
        } catch (HttpStatusException e) {
            throw new ProtocolException("response " + e.getMessage());
        }
    }

    /** The first {@code max} bytes of a body, for an error message; the rest is not read. */
    static String prefix(BodyInput body, int max) {
        byte[] buf = new byte[max];
        int n = 0;
        try {
            for (int r; n < max && (r = body.read(buf, n, max - n)) >= 0; ) {
                n += r;
            }
        } catch (IOException e) {
            // keep what arrived
        }
        return new String(buf, 0, n, StandardCharsets.UTF_8).strip();
    }

    /** The body as a stream that reports framing errors as ProtocolException and closes the connection on close. */
    InputStream streamOf(BodyInput body) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                try {
                    return body.read();
                } catch (HttpStatusException e) {
                    throw new ProtocolException("malformed response body: " + e.getMessage());
                }
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return body.read(b, off, len);
                } catch (HttpStatusException e) {
                    throw new ProtocolException("malformed response body: " + e.getMessage());
                }
            }

            @Override
            public int available() throws IOException {
                return body.available();
            }

            @Override
            public void close() {
                transport.close();
            }
        };
    }

    RawConnection upgraded(HttpHeaders responseHeaders) {
        in.clearDeadline();
        in.readTimeout(0);
        return new RawConnection(transport, in, transport.output(readMillis), responseHeaders);
    }

    void close() {
        transport.close();
    }
}
