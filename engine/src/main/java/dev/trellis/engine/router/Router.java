package dev.trellis.engine.router;

import dev.trellis.protocol.net.IpPrefix;
import dev.trellis.tun.InterfaceConfigurator;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The node's addresses and routes on its TUN interface, applied as whole snapshots: what is
 * no longer wanted is removed, what is new is added, nothing else is touched (like tailscale's
 * wgengine/router). Not thread-safe; the daemon applies one config at a time.
 */
public final class Router {
    /** What the interface should carry: its own addresses (host prefixes) and routes. */
    public record Config(List<IpPrefix> addresses, List<IpPrefix> routes) {
        public static final Config EMPTY = new Config(List.of(), List.of());

        public Config {
            addresses = List.copyOf(new LinkedHashSet<>(addresses));
            routes = List.copyOf(new LinkedHashSet<>(routes));
        }
    }

    private final InterfaceConfigurator os;
    private final String ifname;
    private Config current = Config.EMPTY;

    public Router(InterfaceConfigurator os, String ifname) {
        this.os = Objects.requireNonNull(os);
        this.ifname = Objects.requireNonNull(ifname);
    }

    public Config current() {
        return current;
    }

    /**
     * Moves the interface from the current config to {@code next}. On failure the config that
     * was reached so far is kept as current, so the next call repairs only what is missing, and
     * the exception names what failed.
     */
    public void apply(Config next) throws IOException {
        Set<IpPrefix> addresses = new LinkedHashSet<>(current.addresses());
        Set<IpPrefix> routes = new LinkedHashSet<>(current.routes());
        List<String> failures = new ArrayList<>();
        try {
            for (IpPrefix r : current.routes()) {
                if (!next.routes().contains(r)) {
                    run(failures, "remove route " + r, () -> os.removeRoute(ifname, r));
                    routes.remove(r);
                }
            }
            for (IpPrefix a : current.addresses()) {
                if (!next.addresses().contains(a)) {
                    run(failures, "remove address " + a, () -> os.removeAddress(ifname, addressOf(a), a.bits()));
                    addresses.remove(a);
                }
            }
            for (IpPrefix a : next.addresses()) {
                if (!addresses.contains(a)
                        && run(failures, "add address " + a, () -> os.addAddress(ifname, addressOf(a), a.bits()))) {
                    addresses.add(a);
                }
            }
            for (IpPrefix r : next.routes()) {
                if (!routes.contains(r) && run(failures, "add route " + r, () -> os.addRoute(ifname, r))) {
                    routes.add(r);
                }
            }
        } finally {
            current = new Config(List.copyOf(addresses), List.copyOf(routes));
        }
        if (!failures.isEmpty()) {
            throw new IOException("configuring " + ifname + ": " + String.join("; ", failures));
        }
    }

    private interface Step {
        void run() throws IOException;
    }

    private static boolean run(List<String> failures, String what, Step step) {
        try {
            step.run();
            return true;
        } catch (IOException e) {
            // "already exists" on add and "not found" on remove mean the OS is already where we
            // want it (e.g. after a daemon restart with a persistent interface).
            String m = String.valueOf(e.getMessage());
            if (m.contains("EEXIST") || m.contains("ESRCH") || m.contains("EADDRNOTAVAIL") || m.contains("ENOENT")) {
                return true;
            }
            failures.add(what + ": " + m);
            return false;
        }
    }

    /** Addresses are host prefixes (/32, /128), which masking leaves whole. */
    private static InetAddress addressOf(IpPrefix p) {
        return p.inetAddress();
    }
}
