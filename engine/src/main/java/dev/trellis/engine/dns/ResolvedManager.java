package dev.trellis.engine.dns;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Split DNS through systemd-resolved: MagicDNS becomes the DNS server of the tunnel link, and
 * only names under the match domains are routed to it (like tailscale's resolved manager).
 * Configured with {@code resolvectl} (which talks to resolved over D-Bus) or, where only
 * systemd's {@code busctl} is installed, with the same D-Bus calls made by {@code busctl}:
 * no D-Bus library in the JVM.
 *
 * <p>On {@link #apply}: the link's DNS servers, its domains (search domains as they are, which
 * resolved also routes to the link; match domains as routing-only {@code ~domain}), and
 * {@code default-route} false unless a match domain is {@code .} (then every name comes to
 * us). LLMNR and mDNS are switched off on the link, as nothing answers them in the tunnel.
 * Other names keep going to the system's own servers without touching MagicDNS.
 *
 * <p>On {@link #restore}: {@code revert}. Per-link settings live only as long as the link:
 * after a crash the tunnel device is gone and so are they, so there is no state file.
 */
public final class ResolvedManager implements OsDnsConfigurator {
    /** Which program speaks to resolved. */
    public enum Tool { RESOLVECTL, BUSCTL }

    static final Path UPLINK_RESOLV_CONF = Path.of("/run/systemd/resolve/resolv.conf");
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final List<String> BUSCTL_CALL = List.of("busctl", "--system", "--timeout=5", "call",
            "org.freedesktop.resolve1", "/org/freedesktop/resolve1", "org.freedesktop.resolve1.Manager");

    private final String ifname;
    private final Tool tool;
    private final CommandRunner runner;
    private final Path uplinkResolvConf;
    private final Path sysClassNet;

    public ResolvedManager(String interfaceName, Tool tool, CommandRunner runner) {
        this(interfaceName, tool, runner, UPLINK_RESOLV_CONF, Path.of("/sys/class/net"));
    }

    ResolvedManager(String interfaceName, Tool tool, CommandRunner runner, Path uplinkResolvConf, Path sysClassNet) {
        this.ifname = Objects.requireNonNull(interfaceName, "interfaceName");
        if (ifname.isEmpty() || ifname.length() > 15 || ifname.contains("/") || ifname.chars().anyMatch(c -> c <= ' ')) {
            throw new IllegalArgumentException("invalid interface name '" + interfaceName + "'");
        }
        this.tool = Objects.requireNonNull(tool, "tool");
        this.runner = Objects.requireNonNull(runner, "runner");
        this.uplinkResolvConf = uplinkResolvConf;
        this.sysClassNet = sysClassNet;
    }

    @Override
    public String name() {
        return "systemd-resolved";
    }

    @Override
    public boolean supportsMatchDomains() {
        return true;
    }

    public Tool tool() {
        return tool;
    }

    @Override
    public synchronized void apply(OsDnsConfig config) throws IOException {
        for (List<String> argv : applyCommands(config)) {
            run(argv);
        }
    }

    @Override
    public synchronized void restore() throws IOException {
        if (!Files.exists(sysClassNet.resolve(ifname))) {
            return; // the link is gone, and resolved forgot its settings with it
        }
        run(tool == Tool.RESOLVECTL ? List.of("resolvectl", "revert", ifname)
                : busctl("RevertLink", "i", ifindex()));
    }

    /**
     * The servers resolved uses for other names, from the file it keeps listing all of them
     * ({@code /run/systemd/resolve/resolv.conf}), without ours; best effort, empty if absent.
     */
    @Override
    public List<InetSocketAddress> systemResolvers() throws IOException {
        byte[] b = ResolvConfManager.read(uplinkResolvConf);
        return b == null ? List.of() : ResolvConf.parse(new String(b, StandardCharsets.ISO_8859_1)).upstreams();
    }

    /** The commands {@link #apply} runs, in order. */
    List<List<String>> applyCommands(OsDnsConfig config) throws IOException {
        boolean everything = config.matchDomains().contains(".");
        Set<String> search = new LinkedHashSet<>(config.searchDomains());
        List<String[]> domains = new ArrayList<>(); // {name, routeOnly}
        for (String s : search) {
            domains.add(new String[] {s, "false"});
        }
        for (String m : config.matchDomains()) {
            if (!search.contains(m)) {
                domains.add(new String[] {m, "true"});
            }
        }
        List<List<String>> out = new ArrayList<>();
        if (tool == Tool.RESOLVECTL) {
            List<String> dns = new ArrayList<>(List.of("resolvectl", "dns", ifname));
            config.nameservers().forEach(a -> dns.add(ResolvConf.text(a)));
            List<String> dom = new ArrayList<>(List.of("resolvectl", "domain", ifname));
            for (String[] d : domains) {
                dom.add(d[1].equals("true") ? "~" + d[0] : d[0]);
            }
            if (domains.isEmpty()) {
                dom.add(""); // with no argument resolvectl would print the domains, not clear them
            }
            out.add(dns);
            out.add(dom);
            out.add(List.of("resolvectl", "default-route", ifname, Boolean.toString(everything)));
            out.add(List.of("resolvectl", "llmnr", ifname, "no"));
            out.add(List.of("resolvectl", "mdns", ifname, "no"));
            return out;
        }
        String index = ifindex();
        List<String> dnsArgs = new ArrayList<>(List.of(index, Integer.toString(config.nameservers().size())));
        for (InetAddress a : config.nameservers()) {
            byte[] raw = a.getAddress();
            dnsArgs.add(a instanceof Inet4Address ? "2" : "10"); // AF_INET, AF_INET6
            dnsArgs.add(Integer.toString(raw.length));
            for (byte b : raw) {
                dnsArgs.add(Integer.toString(b & 0xff));
            }
        }
        List<String> domArgs = new ArrayList<>(List.of(index, Integer.toString(domains.size())));
        for (String[] d : domains) {
            domArgs.add(d[0]);
            domArgs.add(d[1]);
        }
        out.add(busctl("SetLinkDNS", "ia(iay)", dnsArgs.toArray(String[]::new)));
        out.add(busctl("SetLinkDomains", "ia(sb)", domArgs.toArray(String[]::new)));
        out.add(busctl("SetLinkDefaultRoute", "ib", index, Boolean.toString(everything)));
        out.add(busctl("SetLinkLLMNR", "is", index, "no"));
        out.add(busctl("SetLinkMulticastDNS", "is", index, "no"));
        return out;
    }

    private static List<String> busctl(String method, String signature, String... args) {
        List<String> argv = new ArrayList<>(BUSCTL_CALL);
        argv.add(method);
        argv.add(signature);
        argv.addAll(List.of(args));
        return argv;
    }

    /** The link's index, which the D-Bus API takes instead of its name. */
    private String ifindex() throws IOException {
        Path p = sysClassNet.resolve(ifname).resolve("ifindex");
        try {
            String s = Files.readString(p, StandardCharsets.US_ASCII).strip();
            Integer.parseInt(s);
            return s;
        } catch (NumberFormatException | IOException e) {
            throw new IOException("cannot read the index of interface " + ifname + " from " + p + ": " + e, e);
        }
    }

    private void run(List<String> argv) throws IOException {
        CommandRunner.Result r = runner.run(argv, TIMEOUT);
        if (r.exitCode() != 0) {
            String why = (r.stderr().isBlank() ? r.stdout() : r.stderr()).strip();
            if (why.length() > 500) {
                why = why.substring(0, 500) + "…";
            }
            throw new IOException(String.join(" ", argv) + " failed (exit " + r.exitCode() + ")"
                    + (why.isEmpty() ? "" : ": " + why));
        }
    }
}
