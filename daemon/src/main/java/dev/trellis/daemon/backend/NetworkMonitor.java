package dev.trellis.daemon.backend;

import dev.trellis.engine.netcheck.NetReport;
import dev.trellis.engine.netcheck.Netcheck;
import dev.trellis.engine.paths.PathBind;
import dev.trellis.engine.paths.RelayConnections;
import dev.trellis.engine.paths.SelfNetwork;
import dev.trellis.engine.portmap.PortMapper;
import dev.trellis.protocol.control.NetInfo;
import dev.trellis.protocol.control.RelayMap;
import dev.trellis.protocol.net.IpLiterals;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Watches the node's network and keeps its paths current: runs netcheck when the relay map
 * arrives or changes, when a relay connection drops, when local addresses change (polled every
 * second) and every 30 s; then sets the home relay, this node's endpoints (local addresses plus
 * what STUN saw, plus the gateway's port mapping when a {@link PortMapper} holds one) and its
 * {@link NetInfo}, and tells its owner when what peers must know changed.
 */
final class NetworkMonitor implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("trellis.daemon.network");
    static final Duration POLL = Duration.ofSeconds(1);
    static final Duration PERIODIC = Duration.ofSeconds(30);

    private final PathBind paths;
    private final RelayConnections relays;
    private final Netcheck netcheck;
    private final Supplier<List<InetSocketAddress>> localAddresses;
    private final Runnable changed;
    private final Object lock = new Object();
    private RelayMap relayMap = RelayMap.EMPTY;
    private boolean wanted;
    private boolean closed;
    private boolean republish;
    private volatile PortMapper portMapper;
    private List<InetSocketAddress> lastLocal = List.of();
    private volatile List<InetSocketAddress> endpoints = List.of();
    private volatile NetInfo netInfo;
    private volatile NetReport report;
    private final Thread thread;

    /**
     * @param localAddresses this node's usable interface addresses with its UDP port
     * @param changed called (from the monitor's thread) when endpoints or NetInfo changed
     */
    NetworkMonitor(PathBind paths, RelayConnections relays, Netcheck netcheck,
            Supplier<List<InetSocketAddress>> localAddresses, Runnable changed) {
        this.paths = Objects.requireNonNull(paths);
        this.relays = Objects.requireNonNull(relays);
        this.netcheck = Objects.requireNonNull(netcheck);
        this.localAddresses = Objects.requireNonNull(localAddresses);
        this.changed = Objects.requireNonNull(changed);
        paths.onRelayDown(region -> requestNetcheck());
        thread = Thread.ofVirtual().name("trellis-network-monitor").start(this::run);
    }

    /**
     * Asks the default gateway (PCP or NAT-PMP) to forward a public port to UDP {@code port}; the
     * mapped address joins the endpoints, and is published again whenever it changes. Without a
     * willing gateway nothing happens (quietly). The mapping is deleted on {@link #close()}.
     */
    void startPortMapping(int port) {
        try {
            PortMapper mapper = PortMapper.start(port, mapped -> portMappingChanged());
            synchronized (lock) {
                if (closed) {
                    mapper.close();
                    return;
                }
                portMapper = mapper;
            }
        } catch (SocketException e) {
            LOG.log(System.Logger.Level.WARNING, "no port mapping: cannot open its socket: " + e.getMessage());
        }
    }

    Optional<InetSocketAddress> portMapping() {
        PortMapper mapper = portMapper;
        return mapper == null ? Optional.empty() : mapper.mapped();
    }

    /** The mapping changed: publish the endpoints again (no netcheck needed). */
    private void portMappingChanged() {
        synchronized (lock) {
            republish = true;
            lock.notifyAll();
        }
    }

    RelayConnections relays() {
        return relays;
    }

    /** The relays from the latest netmap; a different map is measured at once. */
    void setRelayMap(RelayMap map) {
        synchronized (lock) {
            if (map.equals(relayMap)) {
                return;
            }
            relayMap = map;
            relays.setRelayMap(map);
            wanted = true;
            lock.notifyAll();
        }
    }

    /** Measure again soon (a relay dropped, the user asked). */
    void requestNetcheck() {
        synchronized (lock) {
            wanted = true;
            lock.notifyAll();
        }
    }

    List<String> endpoints() {
        return endpoints.stream().map(IpLiterals::formatEndpoint).toList();
    }

    NetInfo netInfo() {
        return netInfo;
    }

    Optional<NetReport> report() {
        return Optional.ofNullable(report);
    }

    /** Runs a netcheck now, on the caller's thread, and applies it. */
    NetReport netcheckNow() throws InterruptedException {
        RelayMap map;
        synchronized (lock) {
            map = relayMap;
        }
        NetReport r = netcheck.run(map);
        apply(r, localAddresses.get());
        return r;
    }

    private void run() {
        long lastCheck = System.nanoTime() - PERIODIC.toNanos();
        while (true) {
            RelayMap map;
            boolean check;
            boolean again;
            synchronized (lock) {
                if (closed) {
                    return;
                }
                try {
                    if (!wanted && !republish) {
                        lock.wait(POLL.toMillis());
                    }
                } catch (InterruptedException e) {
                    return;
                }
                if (closed) {
                    return;
                }
                map = relayMap;
                check = wanted;
                wanted = false;
                again = republish;
                republish = false;
            }
            try {
                List<InetSocketAddress> local = localAddresses.get();
                if (!local.equals(lastLocal)) {
                    if (!lastLocal.isEmpty()) {
                        LOG.log(System.Logger.Level.INFO, "local addresses changed to " + local
                                + "; re-checking every path");
                        // peers must hear the new addresses in the first call-me-maybe, before
                        // netcheck has found the public one; relay connections from a vanished
                        // address are dead even if TCP has not noticed yet
                        paths.setLocalEndpoints(local);
                        paths.networkChanged();
                        relays.reconnectAll();
                        PortMapper mapper = portMapper;
                        if (mapper != null) {
                            mapper.refresh(); // perhaps another gateway
                        }
                    }
                    lastLocal = local;
                    check = true;
                }
                if (System.nanoTime() - lastCheck >= PERIODIC.toNanos()) {
                    check = true;
                }
                if (check && !map.regions().isEmpty()) {
                    lastCheck = System.nanoTime();
                    apply(netcheck.run(map), local);
                } else if (check) {
                    apply(null, local);
                } else if (again) {
                    // the port mapping changed: the last measurement still holds
                    apply(map.regions().isEmpty() ? null : report, local);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "network check failed: " + e.getMessage(), e);
            }
        }
    }

    private void apply(NetReport r, List<InetSocketAddress> local) {
        Set<InetSocketAddress> all = new LinkedHashSet<>(local);
        portMapping().ifPresent(all::add);
        NetInfo info = null;
        if (r != null) {
            report = r;
            if (r.globalV4() != null) {
                all.add(r.globalV4());
            }
            if (r.globalV6() != null) {
                all.add(r.globalV6());
            }
            if (r.preferredRegion() > 0 && r.preferredRegion() != relays.home()) {
                LOG.log(System.Logger.Level.INFO, "home relay region is now " + r.preferredRegion());
                relays.setHome(r.preferredRegion());
            }
            paths.setSelfNetwork(new SelfNetwork(r.udp(), r.mappingVariesByDestIp()));
            Map<String, Double> latency = new LinkedHashMap<>();
            r.regionLatency().forEach((id, d) -> latency.put(Integer.toString(id), d.toNanos() / 1e9));
            info = new NetInfo(r.mappingVariesByDestIp(), r.udp(), r.globalV6() != null, r.preferredRegion(), latency);
        } else {
            info = netInfo;
        }
        List<InetSocketAddress> next = List.copyOf(all);
        paths.setLocalEndpoints(next);
        boolean differs = !next.equals(endpoints) || !sameNetInfo(info, netInfo);
        endpoints = next;
        netInfo = info;
        if (differs) {
            changed.run();
        }
    }

    /** Latency jitter alone is not news worth a map update to every peer. */
    private static boolean sameNetInfo(NetInfo a, NetInfo b) {
        if (a == null || b == null) {
            return a == b;
        }
        return Objects.equals(a.mappingVariesByDestIp(), b.mappingVariesByDestIp())
                && Objects.equals(a.workingUdp(), b.workingUdp()) && Objects.equals(a.workingIpv6(), b.workingIpv6())
                && a.preferredRelay() == b.preferredRelay() && a.relayLatency().keySet().equals(b.relayLatency().keySet());
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
        thread.interrupt();
        PortMapper mapper = portMapper;
        if (mapper != null) {
            mapper.close();
        }
    }
}
