package dev.trellis.engine.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A scripted upstream resolver on 127.0.0.1 (or ::1): UDP and TCP on the same port. It answers every
 * A question with {@link #ANSWER} (or {@code records} addresses), and can instead stay silent,
 * fail, truncate, or send spoofed datagrams before the real answer.
 */
final class FakeUpstream implements AutoCloseable {
    static final InetAddress ANSWER = InetAddress.ofLiteral("192.0.2.1");
    static final InetAddress SPOOFED = InetAddress.ofLiteral("203.0.113.66");

    enum Mode {
        ANSWER,
        SILENT,
        SERVFAIL,
        /** UDP: TC set and no answers; TCP: the full answer. */
        TRUNCATE,
        /** A datagram with a wrong id first, then the answer. */
        SPOOF_WRONG_ID,
        /** A datagram with the right id from another port first, then the answer. */
        SPOOF_OTHER_PORT,
    }

    volatile Mode mode;
    volatile int records = 1;
    final List<Integer> udpIds = new CopyOnWriteArrayList<>();
    final List<DnsMessage> udpQueries = new CopyOnWriteArrayList<>();
    final List<Integer> tcpIds = new CopyOnWriteArrayList<>();
    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final DatagramSocket spoofer;

    FakeUpstream(Mode mode) throws IOException {
        this(mode, InetAddress.ofLiteral("127.0.0.1"));
    }

    FakeUpstream(Mode mode, InetAddress bind) throws IOException {
        this.mode = mode;
        DatagramSocket u = null;
        ServerSocket t = null;
        for (int attempt = 0; t == null; attempt++) {
            u = new DatagramSocket(new InetSocketAddress(bind, 0));
            try {
                t = new ServerSocket(u.getLocalPort(), 16, bind);
            } catch (IOException busy) {
                u.close();
                if (attempt > 20) {
                    throw busy;
                }
            }
        }
        this.udp = u;
        this.tcp = t;
        this.spoofer = new DatagramSocket(new InetSocketAddress(bind, 0));
        Thread.ofPlatform().daemon().name("fake-upstream-udp").start(this::serveUdp);
        Thread.ofPlatform().daemon().name("fake-upstream-tcp").start(this::serveTcp);
    }

    InetSocketAddress address() {
        return new InetSocketAddress(udp.getLocalAddress(), udp.getLocalPort());
    }

    private void serveUdp() {
        byte[] buf = new byte[65_535];
        while (!udp.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                udp.receive(p);
                DnsMessage q = DnsMessage.parse(java.util.Arrays.copyOf(buf, p.getLength()));
                udpIds.add(q.id());
                udpQueries.add(q);
                InetSocketAddress client = (InetSocketAddress) p.getSocketAddress();
                switch (mode) {
                    case SILENT -> { }
                    case SERVFAIL -> send(udp, client, respond(q, DnsRcode.SERVFAIL, List.of()).encode());
                    case TRUNCATE -> send(udp, client, respond(q, 0, List.of()).withFlags(
                            DnsMessage.QR | DnsMessage.RA | DnsMessage.RD | DnsMessage.TC).encode());
                    case SPOOF_WRONG_ID -> {
                        send(udp, client, respond(q, 0, List.of(SPOOFED)).withId(q.id() ^ 0x5a5a).encode());
                        send(udp, client, answer(q).encode());
                    }
                    case SPOOF_OTHER_PORT -> {
                        send(spoofer, client, respond(q, 0, List.of(SPOOFED)).encode());
                        send(udp, client, answer(q).encode());
                    }
                    case ANSWER -> send(udp, client, answer(q).encode());
                }
            } catch (IOException | DnsFormatException e) {
                // closed, or a query we cannot read: ignore
            }
        }
    }

    private void serveTcp() {
        while (!tcp.isClosed()) {
            try (Socket s = tcp.accept()) {
                DataInputStream in = new DataInputStream(s.getInputStream());
                byte[] msg = new byte[in.readUnsignedShort()];
                in.readFully(msg);
                DnsMessage q = DnsMessage.parse(msg);
                tcpIds.add(q.id());
                byte[] r = answer(q).encode();
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                out.writeShort(r.length);
                out.write(r);
                out.flush();
            } catch (IOException | DnsFormatException e) {
                // closed
            }
        }
    }

    private DnsMessage answer(DnsMessage q) {
        List<InetAddress> addresses = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            addresses.add(records == 1 ? ANSWER : InetAddress.ofLiteral("198.51.100." + (i % 250)));
        }
        return respond(q, 0, addresses);
    }

    /** A response as a real server builds it: its own OPT (size 4096) if the query had one. */
    private static DnsMessage respond(DnsMessage q, int rcode, List<InetAddress> addresses) {
        DnsQuestion question = q.questions().getFirst();
        List<DnsRecord> answers = new ArrayList<>();
        for (InetAddress a : addresses) {
            answers.add(new DnsRecord(question.name(), DnsType.A, 1, 300, a.getAddress()));
        }
        DnsMessage r = DnsMessage.responseTo(q, rcode, false, answers, List.of(), 4096);
        return q.edns().isPresent() ? r : new DnsMessage(r.id(), r.flags(), r.rcode(), r.questions(), r.answers(),
                r.authorities(), r.additionals(), Optional.empty());
    }

    private static void send(DatagramSocket s, InetSocketAddress to, byte[] b) throws IOException {
        s.send(new DatagramPacket(b, b.length, to));
    }

    @Override
    public void close() throws IOException {
        udp.close();
        tcp.close();
        spoofer.close();
    }
}
