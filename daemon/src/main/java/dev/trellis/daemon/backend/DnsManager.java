package dev.trellis.daemon.backend;

import dev.trellis.engine.controlclient.NetMap;
import dev.trellis.engine.dns.DnsMap;
import dev.trellis.engine.dns.MagicDns;
import dev.trellis.engine.dns.OsDnsConfig;
import dev.trellis.engine.dns.OsDnsConfigurator;
import dev.trellis.protocol.control.Node;
import dev.trellis.protocol.net.IpPrefix;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MagicDNS as the node runs it: the resolver's names follow the netmap (this node and every
 * peer it may see, short and full names), names outside the tailnet go to the resolvers the
 * system had, and with {@code acceptDns} the system's resolver points at 100.100.100.100
 * until the tunnel goes down. Guarded by the engine's lock.
 */
final class DnsManager {
    private static final System.Logger LOG = System.getLogger("trellis.daemon.dns");

    private final MagicDns dns;
    private final OsDnsConfigurator os;
    private boolean osApplied;
    private String osDomain;
    private String problem;

    DnsManager(MagicDns dns, OsDnsConfigurator os) {
        this.dns = dns;
        this.os = os;
    }

    void apply(NetMap map, boolean acceptDns) {
        String domain = map.dns().domain() == null ? "" : map.dns().domain();
        dns.setMap(dnsMap(map));
        if (!osApplied) {
            // Before we point the system at ourselves: what it used until now is the upstream.
            dns.setUpstreams(systemResolvers());
        }
        if (acceptDns && !domain.isEmpty() && (!osApplied || !domain.equals(osDomain))) {
            try {
                os.apply(OsDnsConfig.magicDns(domain));
                osApplied = true;
                osDomain = domain;
                problem = null;
                LOG.log(Level.INFO, "DNS: the system now asks MagicDNS (" + os.name() + ") for *." + domain);
            } catch (IOException | RuntimeException e) {
                problem = "could not point the system's DNS at MagicDNS through " + os.name() + ": " + e.getMessage();
                LOG.log(Level.WARNING, problem);
            }
        } else if (!acceptDns && osApplied) {
            restore();
        }
    }

    void clear() {
        dns.setMap(DnsMap.EMPTY);
        restore();
    }

    /** Why the system's DNS could not be set, or null. */
    String problem() {
        return problem;
    }

    private void restore() {
        if (!osApplied) {
            return;
        }
        try {
            os.restore();
            LOG.log(Level.INFO, "DNS: the system's resolver settings are restored (" + os.name() + ")");
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "could not restore the system's DNS settings through " + os.name() + ": "
                    + e.getMessage());
        }
        osApplied = false;
        osDomain = null;
        problem = null;
    }

    private List<InetSocketAddress> systemResolvers() {
        try {
            return os.systemResolvers();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "cannot read the system's resolvers; MagicDNS answers only tailnet names: "
                    + e.getMessage());
            return List.of();
        }
    }

    /** Names for this node and its peers; a name the resolver refuses (or a duplicate) is left out and logged. */
    static DnsMap dnsMap(NetMap map) {
        String domain = map.dns().domain() == null ? "" : map.dns().domain();
        List<Node> nodes = new ArrayList<>();
        nodes.add(map.self());
        nodes.addAll(map.peers().values());
        Map<String, List<InetAddress>> hosts = new LinkedHashMap<>();
        for (Node n : nodes) {
            if (n.name() == null || n.name().isEmpty() || n.addresses().isEmpty()) {
                continue;
            }
            String key = n.name().toLowerCase(java.util.Locale.ROOT);
            if (hosts.putIfAbsent(key, n.addresses().stream().map(IpPrefix::inetAddress).toList()) != null) {
                LOG.log(Level.WARNING, "DNS: two nodes are named " + key + "; answering for the first");
            }
        }
        try {
            return new DnsMap(domain, hosts);
        } catch (IllegalArgumentException e) {
            // One bad name must not take every name down: keep those the resolver accepts.
            Map<String, List<InetAddress>> ok = new LinkedHashMap<>();
            for (var h : hosts.entrySet()) {
                try {
                    new DnsMap(domain, Map.of(h.getKey(), h.getValue()));
                    ok.put(h.getKey(), h.getValue());
                } catch (IllegalArgumentException bad) {
                    LOG.log(Level.WARNING, "DNS: no name for " + h.getKey() + ": " + bad.getMessage());
                }
            }
            try {
                return new DnsMap(domain, ok);
            } catch (IllegalArgumentException stillBad) {
                LOG.log(Level.WARNING, "DNS: the tailnet domain '" + domain + "' is unusable: " + stillBad.getMessage());
                return DnsMap.EMPTY;
            }
        }
    }
}
