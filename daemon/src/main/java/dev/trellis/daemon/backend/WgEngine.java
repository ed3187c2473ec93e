package dev.trellis.daemon.backend;

import dev.trellis.engine.controlclient.NetMap;
import dev.trellis.engine.dns.MagicDns;
import dev.trellis.engine.dns.OsDnsConfigurator;
import dev.trellis.engine.filter.FilterCounters;
import dev.trellis.engine.filter.FlowTable;
import dev.trellis.engine.filter.PacketFilter;
import dev.trellis.engine.tun.FilteringTun;
import dev.trellis.protocol.control.FilterRule;
import dev.trellis.engine.router.Router;
import dev.trellis.engine.wg.ConfigException;
import dev.trellis.engine.wg.Device;
import dev.trellis.engine.wg.DeviceStatus;
import dev.trellis.engine.wg.DeviceUpdate;
import dev.trellis.engine.wgcfg.WgConfig;
import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.net.IpLiterals;
import dev.trellis.protocol.net.IpPrefix;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

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
    private WgConfig current = WgConfig.EMPTY;
    private NodePrivateKey currentKey;

    /**
     * @param tun the device's TUN as the {@link Device} sees it: the filter in front of the OS
     * @param flows the node's connection tracking, kept across filter versions
     */
    public WgEngine(Device device, FilteringTun tun, FlowTable flows, FilterCounters counters, Router router,
            String ifname, Clock clock, MagicDns dns, OsDnsConfigurator os) {
        this.device = device;
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
        WgConfig next = WgConfig.from(map, clock.instant());
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
        return m;
    }

    @Override
    public DeviceStatus status() {
        return device.status();
    }

    @Override
    public List<String> localEndpoints() {
        int port = device.listenPort();
        List<String> out = new ArrayList<>();
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp() || nif.isLoopback() || nif.getName().equals(ifname)) {
                    continue;
                }
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (usable(a)) {
                        String text = IpLiterals.format(a.getAddress());
                        String host = a instanceof Inet6Address ? "[" + text + "]" : text;
                        out.add(host + ":" + port);
                    }
                }
            }
        } catch (SocketException e) {
            return List.of();
        }
        Collections.sort(out);
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
        device.close();
    }
}
