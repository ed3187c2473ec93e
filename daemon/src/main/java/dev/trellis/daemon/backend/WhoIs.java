package dev.trellis.daemon.backend;

import dev.trellis.engine.controlclient.NetMap;
import dev.trellis.protocol.control.Node;
import dev.trellis.protocol.localapi.ErrorCode;
import dev.trellis.protocol.localapi.NetMapNode;
import dev.trellis.protocol.localapi.UserProfile;
import dev.trellis.protocol.localapi.WhoIsResponse;
import dev.trellis.protocol.net.IpPrefix;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * Answers "who owns this tunnel address": the node (this one or a peer) whose own addresses
 * include it, and its owner. Subnet routes are not owners: an address is a node's only when it
 * is one of the node's {@code Addresses}, as in Tailscale.
 */
final class WhoIs {
    private WhoIs() {}

    static WhoIsResponse lookup(NetMap map, String addr) {
        byte[] ip = parseAddr(addr);
        if (map == null) {
            throw new BackendException(ErrorCode.NEEDS_LOGIN, "not logged in: no network map to look " + addr + " up in");
        }
        Node owner = owns(map.self(), ip) ? map.self() : null;
        for (Node n : map.peers().values()) {
            if (owner == null && owns(n, ip)) {
                owner = n;
            }
        }
        if (owner == null) {
            throw new BackendException(ErrorCode.NOT_FOUND, "no node in this network has address " + addr);
        }
        var u = map.users().get(owner.user());
        UserProfile user = u == null ? new UserProfile(owner.user(), "", "", null)
                : new UserProfile(u.id(), u.loginName(), u.displayName(), null);
        return new WhoIsResponse(netMapNode(map, owner), user);
    }

    /** Tailscale's {@code tailcfg.Node} view of a node, as LocalAPI clients read it. */
    static NetMapNode netMapNode(NetMap map, Node n) {
        var h = n.hostinfo();
        return new NetMapNode(n.id(), n.stableId(), map.dnsName(n) + ".", n.user(), n.key(), n.keyExpiry(),
                n.addresses(), n.allowedIps(), n.endpoints(), n.homeRelay() == null ? 0 : n.homeRelay(),
                h == null ? null : new NetMapNode.Hostinfo(h.hostname(), h.os(), h.osVersion(), h.trellisVersion()),
                n.created(), n.tags(), n.lastSeen(), n.online(), true, n.name(), n.expired());
    }

    private static boolean owns(Node n, byte[] ip) {
        for (IpPrefix p : n.addresses()) {
            if (Arrays.equals(p.inetAddress().getAddress(), ip)) {
                return true;
            }
        }
        return false;
    }

    /** {@code IP}, {@code IPv4:port} or {@code [IPv6]:port}; the port, if any, is checked and ignored. */
    static byte[] parseAddr(String addr) {
        if (addr == null || addr.isBlank()) {
            throw new BackendException(ErrorCode.BAD_REQUEST, "missing addr: give ?addr=IP or ?addr=IP:port");
        }
        String host = addr.strip();
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            if (close < 0 || (close + 1 < host.length() && host.charAt(close + 1) != ':')) {
                throw bad(addr);
            }
            if (close + 1 < host.length()) {
                checkPort(addr, host.substring(close + 2));
            }
            host = host.substring(1, close);
        } else if (host.indexOf(':') >= 0 && host.indexOf(':') == host.lastIndexOf(':')) {
            checkPort(addr, host.substring(host.indexOf(':') + 1));
            host = host.substring(0, host.indexOf(':'));
        }
        byte[] ip;
        try {
            ip = IpPrefix.parseNumericAddress(host);
        } catch (IllegalArgumentException e) {
            throw bad(addr);
        }
        if (ip == null) {
            throw bad(addr);
        }
        try {
            // Normalise IPv4-mapped IPv6 to IPv4, as the nodes' own addresses are.
            return InetAddress.getByAddress(ip).getAddress();
        } catch (UnknownHostException e) {
            throw bad(addr);
        }
    }

    private static void checkPort(String addr, String port) {
        try {
            int p = Integer.parseInt(port);
            if (p < 0 || p > 65535) {
                throw bad(addr);
            }
        } catch (NumberFormatException e) {
            throw bad(addr);
        }
    }

    private static BackendException bad(String addr) {
        return new BackendException(ErrorCode.BAD_REQUEST, "'" + addr + "' is not an IP address or IP:port");
    }
}
