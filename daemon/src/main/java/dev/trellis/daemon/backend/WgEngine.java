package dev.trellis.daemon.backend;

import dev.trellis.engine.controlclient.NetMap;
import dev.trellis.engine.dns.MagicDns;
import dev.trellis.engine.dns.OsDnsConfigurator;
import dev.trellis.engine.filter.FilterCounters;
import dev.trellis.engine.filter.FlowTable;
import dev.trellis.engine.filter.PacketFilter;
import dev.trellis.engine.netcheck.NetReport;
import dev.trellis.engine.netcheck.Netcheck;
import dev.trellis.engine.paths.PathBind;
import dev.trellis.engine.paths.PathStatus;
import dev.trellis.engine.paths.PeerInfo;
import dev.trellis.engine.paths.RelayConnections;
import dev.trellis.engine.router.Router;
import dev.trellis.engine.tun.FilteringTun;
import dev.trellis.engine.wg.ConfigException;
import dev.trellis.engine.wg.Device;
import dev.trellis.engine.wg.DeviceStatus;
import dev.trellis.engine.wg.DeviceUpdate;
import dev.trellis.engine.wgcfg.WgConfig;
import dev.trellis.protocol.control.FilterRule;
import dev.trellis.protocol.control.NetInfo;
import dev.trellis.protocol.control.Node;
import dev.trellis.protocol.key.DiscoPublicKey;
import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.key.NodePublicKey;
import dev.trellis.protocol.net.IpLiterals;
import dev.trellis.protocol.net.IpPrefix;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

/**
 * The real data plane: a WireGuard {@link Device} on a TUN interface, configured from netmaps
 * through {@link WgConfig} diffs, and the interface's addresses and routes through a
 * {@link Router}. Every route of the mesh goes to the TUN: the CGNAT range 100.64.0.0/10 and
 * the ULA /48 of node addresses.
 */
public final class WgEngine implements Engine {
    static final List<IpPrefix> MESH_ROUTES = List.of(IpPrefix.parse("100.64.0.0/10"), IpPrefix.parse("fd7a:115c:a1e0::/48"));

    private static final System.Logger LOG = System.getLogger("trellis.daemon.engine");

    private final Device device;
    private final FilteringTun tun;
    private final FlowTable flows;
    private final FilterCounters counters;
    private final Router router;
    private final MagicDns magicDns;
    private final DnsManager dns;
    private final String ifname;
    private final Clock clock;
    private final PathBind paths;
    private final NetworkMonitor monitor;
    private volatile Runnable networkListener = () -> {};
    private WgConfig current = WgConfig.EMPTY;
    private NodePrivateKey currentKey;

    /**
     * @param tun the device's TUN as the {@link Device} sees it: the filter in front of the OS
     * @param flows the node's connection tracking, kept across filter versions
     */
    public WgEngine(Device device, FilteringTun tun, FlowTable flows, FilterCounters counters, Router router,
            String ifname, Clock clock, MagicDns dns, OsDnsConfigurator os, PathBind paths, RelayConnections relays,
            Netcheck netcheck) {
        this(device, tun, flows, counters, router, ifname, clock, dns, os, paths, relays, netcheck, false);
    }

    /**
     * @param portMapping whether to ask the default gateway (PCP/NAT-PMP) to map the WireGuard port
     *     and announce the mapped address as an endpoint
     */
    public WgEngine(Device device, FilteringTun tun, FlowTable flows, FilterCounters counters, Router router,
            String ifname, Clock clock, MagicDns dns, OsDnsConfigurator os, PathBind paths, RelayConnections relays,
            Netcheck netcheck, boolean portMapping) {
        this.device = device;
        this.paths = paths;
        this.monitor = new NetworkMonitor(paths, relays, netcheck, this::interfaceEndpoints,
                () -> networkListener.run());
        if (portMapping && device.listenPort() > 0) {
            monitor.startPortMapping(device.listenPort());
        }
        this.magicDns = dns;
        this.dns = new DnsManager(dns, os);
        this.tun = tun;
        this.flows = flows;
        this.counters = counters;
        this.router = router;
        this.ifname = ifname;
        this.clock = clock;
    }

    @Override
    public synchronized void apply(NetMap map, NodePrivateKey key, boolean acceptDns) throws IOException {
        paths.setSelf(key.publicKey());
        monitor.relays().setNodeKey(key);
        paths.setPeers(peerInfos(map));
        monitor.setRelayMap(map.relayMap());
        WgConfig next = WgConfig.from(map, clock.instant(), n -> Optional.of(paths.endpointFor(n.key())));
        try {
            if (!key.equals(currentKey)) {
                // A new node key: every peer must handshake afresh, so start from an empty config.
                device.apply(new DeviceUpdate(Optional.of(key), OptionalInt.empty(), OptionalInt.empty(), true, List.of()));
                currentKey = key;
                current = WgConfig.EMPTY;
            }
            DeviceUpdate diff = next.diffFrom(current);
            if (!diff.peers().isEmpty()) {
                device.apply(diff);
            }
            current = next;
        } catch (ConfigException e) {
            throw new IOException("configuring WireGuard: " + e.getMessage(), e);
        }
        tun.setFilter(filterFor(map.packetFilter(), map.self().addresses()));
        router.apply(new Router.Config(map.self().addresses(), MESH_ROUTES));
        dns.apply(map, acceptDns);
    }

    @Override
    public synchronized List<String> health() {
        String problem = dns.problem();
        return problem == null ? List.of() : List.of(problem);
    }

    /**
     * The coordinator's rules compiled for this node. A rule this version cannot compile (say, a
     * newer coordinator's) is left out and logged, rather than cutting the node off: the filter
     * only accepts, so leaving a rule out can only drop more.
     */
    PacketFilter filterFor(List<FilterRule> rules, List<IpPrefix> local) {
        try {
            return PacketFilter.compile(rules, local, flows, counters);
        } catch (IllegalArgumentException e) {
            List<FilterRule> usable = new ArrayList<>();
            for (FilterRule r : rules) {
                try {
                    PacketFilter.compile(List.of(r), local, flows, counters);
                    usable.add(r);
                } catch (IllegalArgumentException bad) {
                    LOG.log(System.Logger.Level.WARNING, "ignoring a packet filter rule this node cannot apply: "
                            + bad.getMessage());
                }
            }
            return PacketFilter.compile(usable, local, flows, counters);
        }
    }

    @Override
    public synchronized void clear() throws IOException {
        try {
            device.apply(new DeviceUpdate(Optional.empty(), OptionalInt.empty(), OptionalInt.empty(), true, List.of()));
        } catch (ConfigException e) {
            throw new IOException("clearing WireGuard peers: " + e.getMessage(), e);
        }
        current = WgConfig.EMPTY;
        paths.setPeers(List.of());
        tun.setFilter(PacketFilter.denyAll(flows, counters));
        router.apply(Router.Config.EMPTY);
        dns.clear();
    }

    @Override
    public java.util.Map<String, Long> metrics() {
        java.util.Map<String, Long> m = new java.util.LinkedHashMap<>();
        counters.snapshot().asMap().forEach((k, v) -> m.put("filter." + k, v));
        m.put("filter.flows", (long) flows.size());
        m.put("filter.flow_evictions", flows.evictions());
        var svc = tun.serviceStats();
        m.put("dns.delivered", svc.delivered());
        m.put("dns.replied", svc.replied());
        m.put("dns.malformed", svc.malformed());
        m.put("dns.refused", svc.refused());
        var q = magicDns.stats();
        m.put("dns.queries", q.queries());
        m.put("dns.local_answers", q.localAnswers());
        m.put("dns.forwarded", q.forwarded());
        m.put("dns.upstream_failures", q.upstreamFailures());
        m.put("dns.servfails", q.servfails());
        device.counters().snapshot().forEach((k, v) -> m.put("wireguard." + k, v));
        paths.counters().snapshot().forEach((k, v) -> m.put("paths." + k, v));
        return m;
    }

    @Override
    public DeviceStatus status() {
        return device.status();
    }

    @Override
    public List<String> localEndpoints() {
        List<String> measured = monitor.endpoints();
        if (!measured.isEmpty()) {
            return measured;
        }
        return interfaceEndpoints().stream().map(IpLiterals::formatEndpoint).toList();
    }

    /** This node's usable interface addresses, each with the WireGuard port. */
    List<InetSocketAddress> interfaceEndpoints() {
        int port = device.listenPort();
        List<InetSocketAddress> out = new ArrayList<>();
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp() || nif.isLoopback() || nif.getName().equals(ifname)) {
                    continue;
                }
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (usable(a)) {
                        out.add(new InetSocketAddress(InetAddress.getByAddress(a.getAddress()), port));
                    }
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        out.sort(java.util.Comparator.comparing(InetSocketAddress::toString));
        return out;
    }

    @Override
    public Map<NodePublicKey, PathStatus> paths() {
        Map<NodePublicKey, PathStatus> out = new LinkedHashMap<>();
        for (NodePublicKey k : paths.endpoints().keySet()) {
            PathStatus st = paths.status(k);
            if (st != null) {
                out.put(k, st);
            }
        }
        return out;
    }

    @Override
    public DiscoPublicKey discoKey() {
        return paths.discoKey();
    }

    @Override
    public NetInfo netInfo() {
        return monitor.netInfo();
    }

    @Override
    public void onNetworkChange(Runnable listener) {
        networkListener = listener;
    }

    @Override
    public Optional<NetReport> netcheck() throws InterruptedException {
        return Optional.of(monitor.netcheckNow());
    }

    @Override
    public CompletableFuture<PathBind.PingReply> discoPing(NodePublicKey peer) {
        return paths.ping(peer);
    }

    /** What the paths layer needs to know of each peer in {@code map}. */
    static List<PeerInfo> peerInfos(NetMap map) {
        List<PeerInfo> out = new ArrayList<>();
        for (Node n : map.peers().values()) {
            if (n.key() == null || n.key().equals(map.self().key())) {
                continue;
            }
            DiscoPublicKey disco = null;
            if (n.discoKey() != null) {
                try {
                    disco = DiscoPublicKey.parse(n.discoKey());
                } catch (IllegalArgumentException e) {
                    disco = null; // an unusable key: the peer is reached through relays only
                }
            }
            List<InetSocketAddress> eps = new ArrayList<>();
            for (String e : n.endpoints()) {
                InetSocketAddress a = IpLiterals.parseEndpoint(e);
                if (a != null && a.getPort() != 0 && eps.size() < 32) {
                    eps.add(a);
                }
            }
            int home = n.homeRelay() == null ? 0 : n.homeRelay();
            NetInfo info = n.hostinfo() == null ? null : n.hostinfo().netInfo();
            out.add(new PeerInfo(n.key(), disco, eps, home, info));
        }
        return out;
    }

    /** Addresses a peer could send to: not link-local, loopback, multicast, or inside the mesh. */
    static boolean usable(InetAddress a) {
        if (a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isMulticastAddress() || a.isAnyLocalAddress()) {
            return false;
        }
        IpPrefix host = IpPrefix.host(a);
        for (IpPrefix mesh : MESH_ROUTES) {
            if (mesh.contains(host.address())) {
                return false;
            }
        }
        return a instanceof Inet4Address || a instanceof Inet6Address;
    }

    @Override
    public Optional<java.time.Duration> ping(InetAddress to, java.time.Duration timeout) throws IOException {
        // As root (trellisd is), isReachable sends a real ICMP echo; the route to every tunnel
        // address goes through our TUN, so this measures the tunnel, and the peer's packet
        // filter applies to it as to any ICMP.
        long start = System.nanoTime();
        boolean answered = to.isReachable((int) Math.max(1, timeout.toMillis()));
        return answered ? Optional.of(java.time.Duration.ofNanos(System.nanoTime() - start)) : Optional.empty();
    }

    @Override
    public void close() {
        synchronized (this) {
            dns.clear(); // the system's resolver must not be left pointing at a service that is gone
        }
        magicDns.close();
        monitor.close();
        device.close();
        try {
            paths.shutdown();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
