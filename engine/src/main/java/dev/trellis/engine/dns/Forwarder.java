package dev.trellis.engine.dns;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Asks upstream resolvers, one after another, until one answers. Runs on its caller's
 * (virtual) thread and blocks it; {@link MagicDns} gives each forwarded query its own thread.
 *
 * <p>Spoofing resistance, as in a recursive resolver: each attempt uses a fresh socket (a new
 * ephemeral port chosen by the kernel) connected to the upstream (the kernel drops datagrams
 * from other sources) and a fresh random id from {@link SecureRandom}; a datagram is accepted
 * only if its source, id and question all match, so an off-path attacker must guess 16 bits of
 * id and about 15 bits of port within the window. Datagrams that do not match are ignored and
 * counted; the attempt keeps waiting for the real answer until its deadline.
 */
final class Forwarder {
    /** Outcome of one query: the matched response, or null if every upstream failed. */
    record Result(byte[] response, MessageParser.Parsed parsed) {}

    private final long upstreamTimeoutNanos;
    private final SecureRandom random;
    private final LongAdder upstreamFailures;
    private final LongAdder ignored;
    private final LongAdder tcpRetries;

    Forwarder(long upstreamTimeoutNanos, SecureRandom random, LongAdder upstreamFailures, LongAdder ignored,
            LongAdder tcpRetries) {
        this.upstreamTimeoutNanos = upstreamTimeoutNanos;
        this.random = random;
        this.upstreamFailures = upstreamFailures;
        this.ignored = ignored;
        this.tcpRetries = tcpRetries;
    }

    /**
     * Forwards {@code query} (a parsed, valid query with one question) to each upstream in turn
     * until one gives a usable answer or {@code deadline} ({@link System#nanoTime}) passes. An
     * upstream is skipped after a timeout, an I/O error, an unparsable response, or SERVFAIL or
     * REFUSED. A response with TC set is asked again over TCP; if that fails, the truncated
     * answer is returned (the client then sees TC and may retry over TCP itself).
     */
    Result forward(byte[] query, DnsQuestion question, List<InetSocketAddress> upstreams, long deadline)
            throws InterruptedException {
        for (InetSocketAddress upstream : upstreams) {
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                break;
            }
            long attemptDeadline = earlier(now + upstreamTimeoutNanos, deadline);
            Result r = null;
            try {
                r = udp(query, question, upstream, attemptDeadline);
                if (r != null && r.parsed().message().isTruncated()) {
                    tcpRetries.increment();
                    long tcpDeadline = earlier(System.nanoTime() + upstreamTimeoutNanos, deadline);
                    Result viaTcp = tcp(query, question, upstream, tcpDeadline);
                    r = viaTcp != null ? viaTcp : r;
                }
            } catch (IOException | DnsFormatException e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException("forwarding interrupted");
                }
                r = null; // port unreachable, network down, garbage: try the next one
            }
            if (r != null) {
                int rcode = r.parsed().message().rcode();
                if (rcode != DnsRcode.SERVFAIL && rcode != DnsRcode.REFUSED) {
                    return r;
                }
            }
            upstreamFailures.increment();
        }
        return null;
    }

    private static long earlier(long a, long b) {
        return a - b < 0 ? a : b;
    }

    private Result udp(byte[] query, DnsQuestion question, InetSocketAddress upstream, long deadline)
            throws IOException, DnsFormatException {
        int id = random.nextInt(0x10000);
        byte[] out = withId(query, id);
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(upstream);
            socket.send(new DatagramPacket(out, out.length));
            byte[] buf = new byte[DnsMessage.MAX_SIZE];
            DatagramPacket in = new DatagramPacket(buf, buf.length);
            while (true) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return null;
                }
                socket.setSoTimeout((int) Math.min(left, Integer.MAX_VALUE));
                in.setLength(buf.length);
                try {
                    socket.receive(in);
                } catch (SocketTimeoutException e) {
                    return null;
                } catch (PortUnreachableException e) {
                    return null;
                }
                if (upstream.equals(in.getSocketAddress()) && isQuestionlessError(buf, in.getLength(), id)) {
                    return null; // e.g. FORMERR without a question: this upstream will not help
                }
                if (!upstream.equals(in.getSocketAddress()) || !matches(buf, in.getLength(), id, question)) {
                    ignored.increment();
                    continue;
                }
                byte[] response = java.util.Arrays.copyOf(buf, in.getLength());
                return new Result(response, MessageParser.parse(response));
            }
        }
    }

    private Result tcp(byte[] query, DnsQuestion question, InetSocketAddress upstream, long deadline) {
        int id = random.nextInt(0x10000);
        byte[] out = withId(query, id);
        try (Socket socket = new Socket()) {
            socket.connect(upstream, millisLeft(deadline));
            OutputStream os = socket.getOutputStream();
            byte[] framed = new byte[2 + out.length];
            framed[0] = (byte) (out.length >>> 8);
            framed[1] = (byte) out.length;
            System.arraycopy(out, 0, framed, 2, out.length);
            os.write(framed);
            os.flush();
            InputStream is = socket.getInputStream();
            byte[] len = readFully(socket, is, 2, deadline);
            int n = ((len[0] & 0xff) << 8) | (len[1] & 0xff);
            byte[] response = readFully(socket, is, n, deadline);
            if (!matches(response, n, id, question)) {
                ignored.increment();
                return null;
            }
            return new Result(response, MessageParser.parse(response));
        } catch (IOException | DnsFormatException e) {
            return null;
        }
    }

    /** Reads exactly {@code n} bytes, failing once {@code deadline} has passed. */
    private static byte[] readFully(Socket socket, InputStream is, int n, long deadline) throws IOException {
        byte[] b = new byte[n];
        int off = 0;
        while (off < n) {
            socket.setSoTimeout(millisLeft(deadline));
            int r = is.read(b, off, n - off);
            if (r < 0) {
                throw new IOException("upstream closed the TCP connection after " + off + " of " + n + " bytes");
            }
            off += r;
        }
        return b;
    }

    private static int millisLeft(long deadline) throws SocketTimeoutException {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
            throw new SocketTimeoutException("upstream deadline passed");
        }
        return (int) Math.min(left, Integer.MAX_VALUE);
    }

    /** A response to our query: QR set, our id, and the same single question. */
    static boolean matches(byte[] msg, int length, int id, DnsQuestion question) {
        try {
            MessageParser.Head head = MessageParser.parseHead(msg, length);
            return head.id() == id && (head.flags() & DnsMessage.QR) != 0 && head.questions().size() == 1
                    && head.questions().getFirst().equals(question);
        } catch (DnsFormatException e) {
            return false;
        }
    }

    /** Our id, QR, no question and an error rcode: some servers answer FORMERR this way. */
    static boolean isQuestionlessError(byte[] msg, int length, int id) {
        try {
            MessageParser.Head head = MessageParser.parseHead(msg, length);
            return head.id() == id && (head.flags() & DnsMessage.QR) != 0 && head.questions().isEmpty()
                    && (head.flags() & 0xf) != DnsRcode.NOERROR;
        } catch (DnsFormatException e) {
            return false;
        }
    }

    static byte[] withId(byte[] message, int id) {
        byte[] out = message.clone();
        out[0] = (byte) (id >>> 8);
        out[1] = (byte) id;
        return out;
    }
}
