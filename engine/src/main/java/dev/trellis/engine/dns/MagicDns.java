package dev.trellis.engine.dns;

import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The node's DNS server at {@link #SERVICE_IPV4} and {@link #SERVICE_IPV6} (like tailscale's
 * net/dns/resolver): names under the tailnet domain and reverse names of tunnel addresses are
 * answered from the current {@link DnsMap}, authoritatively; every other query is forwarded to
 * the upstream resolvers. Thread-safe; {@link #receive} never blocks.
 *
 * <p>Tailnet answers carry a TTL of 600 s (as Tailscale's; tunnel addresses are stable for a
 * node's life) and negative answers an SOA whose minimum, 60 s, bounds how long a resolver
 * caches "no such name" for a node that is about to join. Forwarded answers keep the
 * upstream's TTLs; nothing is cached here.
 *
 * <p>Replies are sized for the transport: over UDP at most 512 bytes for a client without
 * EDNS, else its advertised size, and never more than {@code maxUdpPayload} (the size we
 * advertise in our OPT); a longer reply is cut at a record boundary with TC set, so the client
 * retries over TCP ({@link #receiveTcp}).
 */
public final class MagicDns implements AutoCloseable {
    public static final InetAddress SERVICE_IPV4 = literal(new byte[] {100, 100, 100, 100});
    public static final InetAddress SERVICE_IPV6 = literal(new byte[] {(byte) 0xfd, 0x7a, 0x11, 0x5c, (byte) 0xa1,
            (byte) 0xe0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x53});

    private static final System.Logger LOG = System.getLogger("trellis.dns");

    /**
     * Tuning. {@code maxUdpPayload}: the largest UDP reply (512..65535; 1232 avoids IPv6
     * fragmentation on any path, the DNS Flag Day 2020 value). {@code upstreamTimeout}: how long
     * one upstream gets before the next is tried. {@code queryTimeout}: the whole budget of a
     * forwarded query, after which the client gets SERVFAIL; below glibc's 5 s so the client
     * hears it. {@code maxInFlight}: forwarded queries running at once; more get SERVFAIL.
     */
    public record Settings(int maxUdpPayload, Duration upstreamTimeout, Duration queryTimeout, int maxInFlight) {
        public Settings {
            if (maxUdpPayload < DnsMessage.CLASSIC_UDP_SIZE || maxUdpPayload > DnsMessage.MAX_SIZE) {
                throw new IllegalArgumentException("maxUdpPayload " + maxUdpPayload + " not in 512..65535");
            }
            if (upstreamTimeout.isNegative() || upstreamTimeout.isZero() || queryTimeout.isNegative()
                    || queryTimeout.isZero()) {
                throw new IllegalArgumentException("timeouts must be positive");
            }
            if (maxInFlight < 1) {
                throw new IllegalArgumentException("maxInFlight must be at least 1, got " + maxInFlight);
            }
        }

        /** 2 s per upstream, 4 s per query, 256 forwards in flight. */
        public static Settings defaults(int maxUdpPayload) {
            return new Settings(maxUdpPayload, Duration.ofSeconds(2), Duration.ofSeconds(4), 256);
        }
    }

    private final Settings settings;
    private final Forwarder forwarder;
    private final Semaphore inFlight;
    private final ExecutorService executor = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("trellis-dns-forward-", 0).factory());
    private final AtomicLong generation = new AtomicLong();
    private volatile Snapshot snapshot = new Snapshot(DnsMap.EMPTY, LocalZone.compile("", java.util.Map.of(), 0));
    private volatile List<InetSocketAddress> upstreams = List.of();

    private final LongAdder queries = new LongAdder();
    private final LongAdder malformed = new LongAdder();
    private final LongAdder localAnswers = new LongAdder();
    private final LongAdder forwarded = new LongAdder();
    private final LongAdder upstreamFailures = new LongAdder();
    private final LongAdder servfails = new LongAdder();
    private final LongAdder overloaded = new LongAdder();
    private final LongAdder truncated = new LongAdder();
    private final LongAdder ignoredResponses = new LongAdder();
    private final LongAdder tcpRetries = new LongAdder();

    /** A map and its compiled zone, swapped together. */
    private record Snapshot(DnsMap map, LocalZone zone) {}

    /** Default settings with this UDP size limit (e.g. 1232). */
    public MagicDns(int maxUdpPayload) {
        this(Settings.defaults(maxUdpPayload));
    }

    public MagicDns(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.inFlight = new Semaphore(settings.maxInFlight());
        this.forwarder = new Forwarder(settings.upstreamTimeout().toNanos(), new SecureRandom(), upstreamFailures,
                ignoredResponses, tcpRetries);
    }

    /** Replaces the tailnet names atomically; queries see the old or the new map, never a mix. */
    public void setMap(DnsMap map) {
        Objects.requireNonNull(map, "map");
        snapshot = new Snapshot(map, LocalZone.compile(map.domain(), map.hosts(), generation.incrementAndGet()));
    }

    public DnsMap map() {
        return snapshot.map();
    }

    /** Where non-tailnet queries go, tried in this order; empty makes them fail with SERVFAIL. */
    public void setUpstreams(List<InetSocketAddress> servers) {
        List<InetSocketAddress> copy = List.copyOf(servers);
        for (InetSocketAddress s : copy) {
            if (s.isUnresolved()) {
                throw new IllegalArgumentException("upstream " + s + " must be an IP address, not a name");
            }
        }
        upstreams = copy;
    }

    public List<InetSocketAddress> upstreams() {
        return upstreams;
    }

    public Settings settings() {
        return settings;
    }

    /**
     * Handles one UDP datagram sent to port 53 of the service address. Never blocks and never
     * throws; calls {@code reply} at most once, possibly later from another thread, with the
     * response payload (a new array the consumer may keep). {@code payload} is not used after
     * this method returns, so the caller may reuse it. Datagrams that are not queries (too short, QR set) get no reply, so
     * MagicDNS cannot be made to answer answers.
     */
    public void receive(byte[] payload, InetSocketAddress from, Consumer<byte[]> reply) {
        handle(payload, from, reply, false);
    }

    /**
     * Handles one message read from a DNS-over-TCP stream (the 2-byte length already removed).
     * Like {@link #receive} but replies are never truncated (up to 65535 bytes); the caller
     * frames the reply.
     */
    public void receiveTcp(byte[] message, InetSocketAddress from, Consumer<byte[]> reply) {
        handle(message, from, reply, true);
    }

    private void handle(byte[] payload, InetSocketAddress from, Consumer<byte[]> reply, boolean tcp) {
        queries.increment();
        try {
            Query q = Query.classify(payload, settings.maxUdpPayload());
            if (q.dropped()) {
                malformed.increment();
                return;
            }
            if (q.immediate() != null) {
                if (q.countsAsMalformed()) {
                    malformed.increment();
                }
                send(reply, q.immediate().encode(limit(q.message(), tcp)), from);
                return;
            }
            DnsMessage query = q.message();
            DnsQuestion question = query.questions().getFirst();
            Optional<LocalZone.Answer> local = snapshot.zone().answer(question);
            if (local.isPresent()) {
                localAnswers.increment();
                LocalZone.Answer a = local.get();
                DnsMessage response = DnsMessage.responseTo(query, a.rcode(), true, a.answers(), a.authorities(),
                        settings.maxUdpPayload());
                reply(reply, response, limit(query, tcp), from);
                return;
            }
            forward(payload, query, question, from, reply, tcp);
        } catch (RuntimeException e) {
            // A bug, not bad input (bad input is classified above): keep serving.
            LOG.log(Level.ERROR, "MagicDNS failed on a query from " + from, e);
        }
    }

    private void forward(byte[] payload, DnsMessage query, DnsQuestion question, InetSocketAddress from,
            Consumer<byte[]> reply, boolean tcp) {
        forwarded.increment();
        List<InetSocketAddress> servers = upstreams;
        if (servers.isEmpty()) {
            servfail(query, tcp, from, reply);
            return;
        }
        if (!inFlight.tryAcquire()) {
            overloaded.increment();
            servfail(query, tcp, from, reply);
            return;
        }
        long deadline = System.nanoTime() + settings.queryTimeout().toNanos();
        byte[] copy = payload.clone(); // the caller may reuse its buffer once receive returns
        try {
            executor.execute(() -> {
                try {
                    Forwarder.Result r = forwarder.forward(copy, question, servers, deadline);
                    if (r == null) {
                        servfail(query, tcp, from, reply);
                        return;
                    }
                    ResponseFitter.Fitted fitted = ResponseFitter.fit(r.parsed(), r.response(), query.id(),
                            limit(query, tcp), query.edns(), settings.maxUdpPayload());
                    if (fitted.truncated()) {
                        truncated.increment();
                    }
                    send(reply, fitted.message(), from);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // closing: no reply
                } catch (RuntimeException e) {
                    LOG.log(Level.ERROR, "MagicDNS forwarding failed for a query from " + from, e);
                } finally {
                    inFlight.release();
                }
            });
        } catch (RejectedExecutionException e) {
            inFlight.release(); // closed
        }
    }

    private void servfail(DnsMessage query, boolean tcp, InetSocketAddress from, Consumer<byte[]> reply) {
        servfails.increment();
        DnsMessage r = DnsMessage.responseTo(query, DnsRcode.SERVFAIL, false, List.of(), List.of(),
                settings.maxUdpPayload());
        reply(reply, r, limit(query, tcp), from);
    }

    private void reply(Consumer<byte[]> reply, DnsMessage response, int limit, InetSocketAddress from) {
        byte[] wire = response.encode(limit);
        if ((wire[2] & 0x02) != 0 && !response.isTruncated()) {
            truncated.increment();
        }
        send(reply, wire, from);
    }

    private static void send(Consumer<byte[]> reply, byte[] wire, InetSocketAddress from) {
        try {
            reply.accept(wire);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not deliver a DNS reply to " + from + ": " + e);
        }
    }

    /** The largest reply this client may get over this transport. */
    private int limit(DnsMessage query, boolean tcp) {
        if (tcp) {
            return DnsMessage.MAX_SIZE;
        }
        return query == null ? DnsMessage.CLASSIC_UDP_SIZE
                : Math.min(query.requestorUdpSize(), settings.maxUdpPayload());
    }

    public DnsStats stats() {
        return new DnsStats(queries.sum(), malformed.sum(), localAnswers.sum(), forwarded.sum(),
                upstreamFailures.sum(), servfails.sum(), overloaded.sum(), truncated.sum(), ignoredResponses.sum(),
                tcpRetries.sum());
    }

    /** Stops forwarding: queries in flight get no reply, later ones are not forwarded. */
    @Override
    public void close() {
        executor.shutdownNow();
    }

    private static InetAddress literal(byte[] b) {
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
