package dev.trellis.daemon.backend;

import dev.trellis.engine.controlclient.NetMap;
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

    private final Device device;
    private final Router router;
    private final String ifname;
    private final Clock clock;
    private WgConfig current = WgConfig.EMPTY;
    private NodePrivateKey currentKey;

    public WgEngine(Device device, Router router, String ifname, Clock clock) {
        this.device = device;
        this.router = router;
        this.ifname = ifname;
        this.clock = clock;
    }

    @Override
    public synchronized void apply(NetMap map, NodePrivateKey key) throws IOException {
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
        router.apply(new Router.Config(map.self().addresses(), MESH_ROUTES));
    }

    @Override
    public synchronized void clear() throws IOException {
        try {
            device.apply(new DeviceUpdate(Optional.empty(), OptionalInt.empty(), OptionalInt.empty(), true, List.of()));
        } catch (ConfigException e) {
            throw new IOException("clearing WireGuard peers: " + e.getMessage(), e);
        }
        current = WgConfig.EMPTY;
        router.apply(Router.Config.EMPTY);
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
        device.close();
    }
}
