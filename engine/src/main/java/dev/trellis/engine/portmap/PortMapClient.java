package dev.trellis.engine.portmap;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The request/answer exchanges of one {@link PortMapper}: PCP first, NAT-PMP once the gateway
 * says it does not speak PCP (or does not answer it), remembered until {@link #reset()}. Each
 * exchange sends from the given socket, retransmits with doubling waits and accepts only a reply
 * from the gateway's server port that parses as the answer to that request; anything else is
 * counted in {@link #badReplies()} and waited past. Not thread-safe: one mapper thread uses it.
 */
final class PortMapClient {
    private static final System.Logger LOG = System.getLogger("trellis.portmap");
    private static final int MAX_REPLY = 1100; // RFC 6887 §7: no PCP message is longer

    /** What one attempt to map came to. */
    sealed interface Outcome {
        record Granted(Mapping mapping) implements Outcome {}

        record Refused(String reason) implements Outcome {}

        record NoAnswer() implements Outcome {}
    }

    private enum Protocol { UNKNOWN, PCP, NAT_PMP }

    @FunctionalInterface
    private interface Parser {
        Reply parse(byte[] datagram, int length) throws Reply.BadReply;
    }

    private final PortMapOptions options;
    private final byte[] nonce = new byte[Pcp.NONCE_LENGTH];
    private final AtomicLong badReplies = new AtomicLong();
    private Protocol protocol = Protocol.UNKNOWN;

    PortMapClient(PortMapOptions options) {
        this.options = options;
        new SecureRandom().nextBytes(nonce);
    }

    long badReplies() {
        return badReplies.get();
    }

    /** A new network: ask with PCP again. */
    void reset() {
        protocol = Protocol.UNKNOWN;
    }

    /**
     * Asks for (or renews) a mapping of UDP {@code internalPort}, suggesting {@code previous}'s
     * external port when there is one.
     *
     * @throws SocketException when the socket was closed under the exchange (the mapper is closing)
     */
    Outcome map(DatagramSocket socket, InetAddress gateway, int internalPort, Optional<Mapping> previous, int tries)
            throws SocketException {
        long lifetime = options.lifetime().toSeconds();
        int suggested = previous.map(m -> m.external().getPort()).orElse(internalPort);
        if (protocol != Protocol.NAT_PMP) {
            Optional<Reply> reply = exchange(socket, gateway,
                    Pcp.mapRequest(nonce, localAddressToward(gateway), internalPort, suggested, lifetime),
                    (d, n) -> Pcp.parse(d, n, nonce, internalPort), tries);
            if (reply.isPresent() && !(reply.get() instanceof Reply.UnsupportedVersion)) {
                protocol = Protocol.PCP;
                return outcome(reply.get(), null, "pcp");
            }
            if (reply.isEmpty() && protocol == Protocol.PCP) {
                return new Outcome.NoAnswer();
            }
            // "unsupported version", or silence from a gateway never heard: try NAT-PMP
        }
        Optional<Reply> external = exchange(socket, gateway, NatPmp.externalAddressRequest(),
                (d, n) -> NatPmp.parse(d, n, NatPmp.OP_EXTERNAL, 0), tries);
        if (external.isEmpty()) {
            return new Outcome.NoAnswer();
        }
        if (!(external.get() instanceof Reply.External address)) {
            return outcome(external.get(), null, "nat-pmp");
        }
        protocol = Protocol.NAT_PMP;
        Optional<Reply> mapped = exchange(socket, gateway, NatPmp.mapUdpRequest(internalPort, suggested, lifetime),
                (d, n) -> NatPmp.parse(d, n, NatPmp.OP_MAP_UDP, internalPort), tries);
        return mapped.map(r -> outcome(r, address.address(), "nat-pmp")).orElseGet(Outcome.NoAnswer::new);
    }

    /** Asks the gateway to delete the mapping (lifetime 0); true when it confirmed. */
    boolean delete(DatagramSocket socket, InetAddress gateway, int internalPort, Mapping mapping, int tries)
            throws SocketException {
        Optional<Reply> reply;
        if (mapping.protocol().equals("pcp")) {
            reply = exchange(socket, gateway, Pcp.mapRequest(nonce, localAddressToward(gateway), internalPort, 0, 0),
                    (d, n) -> Pcp.parse(d, n, nonce, internalPort), tries);
        } else {
            reply = exchange(socket, gateway, NatPmp.mapUdpRequest(internalPort, 0, 0),
                    (d, n) -> NatPmp.parse(d, n, NatPmp.OP_MAP_UDP, internalPort), tries);
        }
        return reply.isPresent() && reply.get() instanceof Reply.Mapped;
    }

    private static Outcome outcome(Reply reply, InetAddress natPmpExternal, String protocol) {
        return switch (reply) {
            case Reply.Mapped m when m.lifetimeSeconds() == 0 || m.externalPort() == 0 ->
                    new Outcome.Refused(protocol + " granted no mapping (lifetime " + m.lifetimeSeconds()
                            + " s, port " + m.externalPort() + ")");
            case Reply.Mapped m -> {
                InetAddress address = m.externalAddress() != null ? m.externalAddress() : natPmpExternal;
                if (address == null || address.isAnyLocalAddress()) {
                    yield new Outcome.Refused(protocol + " mapping without an external address");
                }
                yield new Outcome.Granted(new Mapping(new InetSocketAddress(address, m.externalPort()),
                        Duration.ofSeconds(m.lifetimeSeconds()), protocol));
            }
            case Reply.Refused r -> new Outcome.Refused(protocol + " result code " + r.code() + ": " + r.meaning());
            case Reply.UnsupportedVersion u -> new Outcome.Refused(protocol + ": the gateway does not support it");
            case Reply.External e -> new Outcome.Refused(protocol + ": unexpected reply");
        };
    }

    /**
     * Sends {@code request} up to {@code tries} times, waiting {@code firstTimeout} and twice as long
     * after each retransmission, for a reply from {@code gateway}'s server port that {@code parser}
     * accepts. Empty when none came.
     */
    private Optional<Reply> exchange(DatagramSocket socket, InetAddress gateway, byte[] request, Parser parser,
            int tries) throws SocketException {
        InetSocketAddress server = new InetSocketAddress(gateway, options.serverPort());
        byte[] buffer = new byte[MAX_REPLY];
        long timeout = options.firstTimeout().toNanos();
        for (int attempt = 0; attempt < tries; attempt++, timeout *= 2) {
            try {
                socket.send(new DatagramPacket(request, request.length, server));
            } catch (IOException e) {
                closedCheck(socket, e);
                LOG.log(System.Logger.Level.DEBUG, "port mapping request to " + server + " failed: " + e.getMessage());
                return Optional.empty();
            }
            long deadline = System.nanoTime() + timeout;
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
                    socket.receive(packet);
                } catch (SocketTimeoutException e) {
                    break;
                } catch (IOException e) {
                    closedCheck(socket, e);
                    LOG.log(System.Logger.Level.DEBUG, "port mapping receive failed: " + e.getMessage());
                    break;
                }
                if (!server.equals(packet.getSocketAddress())) {
                    bad("a datagram from " + packet.getSocketAddress() + ", not the gateway " + server);
                    continue;
                }
                try {
                    return Optional.of(parser.parse(packet.getData(), packet.getLength()));
                } catch (Reply.BadReply e) {
                    bad(e.getMessage());
                }
            }
        }
        return Optional.empty();
    }

    /** A closed socket means the mapper is closing; other errors (no route yet) are "no answer". */
    private static void closedCheck(DatagramSocket socket, IOException e) throws SocketException {
        if (socket.isClosed()) {
            throw e instanceof SocketException se ? se : new SocketException("port mapping socket closed");
        }
    }

    private void bad(String why) {
        badReplies.incrementAndGet();
        LOG.log(System.Logger.Level.DEBUG, "ignoring a port mapping reply: " + why);
    }

    /** The source address the gateway will see (PCP's client address); no packet is sent. */
    private static InetAddress localAddressToward(InetAddress gateway) throws SocketException {
        try (DatagramSocket probe = new DatagramSocket()) {
            probe.connect(gateway, 9);
            return probe.getLocalAddress();
        }
    }
}
