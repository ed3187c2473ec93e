package dev.trellis.engine.portmap;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Keeps a UDP port mapping for the node's WireGuard port on its default gateway, like Tailscale's
 * portmapper: asks for one (PCP, else NAT-PMP; see {@link PortMapClient}), renews it at half its
 * granted lifetime, and deletes it (lifetime 0) on {@link #close()}. The requests go from a socket
 * of the mapper's own, since the protocols answer the requesting port; the port to map travels in
 * the request's internal-port field.
 *
 * <p>Quiet by design: no gateway, no answer or a refusal means no mapping and one more try after
 * {@link PortMapOptions#retryAfterFailure()} (or at {@link #refresh()}, which the owner calls when
 * the network changed). Nothing a gateway sends can throw out of the mapper; bad replies are
 * counted ({@link #badReplies()}).
 */
public final class PortMapper implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("trellis.portmap");
    private static final Duration MIN_RENEWAL = Duration.ofSeconds(1);
    private static final int DELETE_TRIES = 2;

    private final int internalPort;
    private final Supplier<Optional<InetAddress>> gateway;
    private final PortMapOptions options;
    private final Consumer<Optional<InetSocketAddress>> onChange;
    private final PortMapClient client;
    private final DatagramSocket socket;
    private final Object lock = new Object();
    private boolean closed;
    private boolean wake;
    private volatile Mapping current;
    private volatile InetAddress currentGateway;
    private String lastProblem;
    private final Thread thread;

    private PortMapper(int internalPort, Supplier<Optional<InetAddress>> gateway, PortMapOptions options,
            Consumer<Optional<InetSocketAddress>> onChange) throws SocketException {
        if (internalPort < 1 || internalPort > 65535) {
            throw new IllegalArgumentException("the port to map must be 1..65535: " + internalPort);
        }
        this.internalPort = internalPort;
        this.gateway = Objects.requireNonNull(gateway, "gateway");
        this.options = Objects.requireNonNull(options, "options");
        this.onChange = Objects.requireNonNull(onChange, "onChange");
        this.client = new PortMapClient(options);
        this.socket = new DatagramSocket();
        this.thread = Thread.ofVirtual().name("trellis-portmap").unstarted(this::run);
    }

    /**
     * Starts mapping UDP {@code internalPort} on the gateway {@code gateway} names at each attempt.
     * {@code onChange} is called from the mapper's thread whenever {@link #mapped()} changes.
     *
     * @throws SocketException if the mapper's own socket cannot be opened
     */
    public static PortMapper start(int internalPort, Supplier<Optional<InetAddress>> gateway, PortMapOptions options,
            Consumer<Optional<InetSocketAddress>> onChange) throws SocketException {
        PortMapper mapper = new PortMapper(internalPort, gateway, options, onChange);
        mapper.thread.start();
        return mapper;
    }

    /** {@link #start} with the IPv4 default route's gateway and {@link PortMapOptions#DEFAULT}. */
    public static PortMapper start(int internalPort, Consumer<Optional<InetSocketAddress>> onChange)
            throws SocketException {
        return start(internalPort, DefaultGateway.fromProc(), PortMapOptions.DEFAULT, onChange);
    }

    /** The public address and port that forwards to the internal port, while a mapping is held. */
    public Optional<InetSocketAddress> mapped() {
        Mapping m = current;
        return m == null ? Optional.empty() : Optional.of(m.external());
    }

    /** The mapping held, with its lifetime and protocol. */
    public Optional<Mapping> mapping() {
        return Optional.ofNullable(current);
    }

    /** Datagrams on the mapper's socket that were no valid answer (wrong source, length, version, nonce…). */
    public long badReplies() {
        return client.badReplies();
    }

    /** Try again now (the network changed): re-reads the gateway and renews or re-asks. */
    public void refresh() {
        synchronized (lock) {
            wake = true;
            lock.notifyAll();
        }
    }

    private void run() {
        try {
            while (true) {
                Duration next = attempt();
                synchronized (lock) {
                    long deadline = System.nanoTime() + next.toNanos();
                    while (!closed && !wake) {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            break;
                        }
                        lock.wait(Math.max(1, left / 1_000_000));
                    }
                    if (closed) {
                        return;
                    }
                    wake = false;
                }
            }
        } catch (SocketException | InterruptedException closing) {
            // close() closed the socket under an exchange or interrupted the wait
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "port mapping stopped: " + e, e);
        }
    }

    /** One attempt to get or renew the mapping; returns how long to wait before the next. */
    private Duration attempt() throws SocketException {
        Optional<InetAddress> gw = gateway.get();
        if (gw.isEmpty()) {
            problem("no IPv4 default gateway");
            set(null, null);
            return options.retryAfterFailure();
        }
        if (!gw.get().equals(currentGateway)) {
            // another network: what the old gateway granted means nothing here
            client.reset();
            set(null, null);
        }
        PortMapClient.Outcome outcome = client.map(socket, gw.get(), internalPort, Optional.ofNullable(current),
                options.tries());
        switch (outcome) {
            case PortMapClient.Outcome.Granted g -> {
                set(g.mapping(), gw.get());
                lastProblem = null;
                Duration half = g.mapping().lifetime().dividedBy(2);
                return half.compareTo(MIN_RENEWAL) < 0 ? MIN_RENEWAL : half;
            }
            case PortMapClient.Outcome.Refused r -> problem("gateway " + gw.get().getHostAddress() + " refused: "
                    + r.reason());
            case PortMapClient.Outcome.NoAnswer n -> problem("no PCP or NAT-PMP answer from "
                    + gw.get().getHostAddress());
        }
        set(null, null);
        return options.retryAfterFailure();
    }

    private void set(Mapping next, InetAddress gw) {
        Mapping before = current;
        current = next;
        currentGateway = gw;
        Optional<InetSocketAddress> was = before == null ? Optional.empty() : Optional.of(before.external());
        Optional<InetSocketAddress> now = mapped();
        if (!was.equals(now)) {
            LOG.log(System.Logger.Level.INFO, next != null
                    ? "port mapping: " + text(next.external()) + " forwards to UDP " + internalPort + " (" + next.protocol()
                            + ", lifetime " + next.lifetime().toSeconds() + " s)"
                    : "port mapping " + text(before.external()) + " is gone");
            onChange.accept(now);
        }
    }

    /** Logged once per distinct problem: a network without a mapping gateway is normal, not news every 5 minutes. */
    private void problem(String what) {
        if (!what.equals(lastProblem)) {
            LOG.log(System.Logger.Level.DEBUG, "no port mapping: " + what);
            lastProblem = what;
        }
    }

    /**
     * Stops the mapper and asks the gateway to delete the mapping it holds (two tries; a gateway
     * that does not answer lets it expire). Idempotent.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            lock.notifyAll();
        }
        socket.close(); // ends an exchange in progress
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Mapping held = current;
        InetAddress gw = currentGateway;
        current = null;
        if (held == null || gw == null) {
            return;
        }
        try (DatagramSocket deleter = new DatagramSocket()) {
            boolean confirmed = client.delete(deleter, gw, internalPort, held, DELETE_TRIES);
            LOG.log(System.Logger.Level.INFO, "port mapping " + text(held.external())
                    + (confirmed ? " deleted" : " not confirmed deleted; it expires on its own"));
        } catch (SocketException e) {
            LOG.log(System.Logger.Level.INFO, "cannot delete port mapping " + text(held.external()) + ": " + e.getMessage());
        }
    }

    private static String text(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    @Override
    public String toString() {
        return "PortMapper[UDP " + internalPort + " -> " + mapped().map(PortMapper::text).orElse("none") + "]";
    }
}
