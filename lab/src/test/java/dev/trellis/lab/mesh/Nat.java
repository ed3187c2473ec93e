package dev.trellis.lab.mesh;

import java.util.ArrayList;
import java.util.List;

/**
 * What stands between a {@link NatLab} host and the lab's internet: nothing, or a NAT router
 * namespace whose iptables rules (applied by {@link #rules}) give it one of the behaviours below.
 * Every NAT keeps Linux's conntrack filtering: from the WAN, only replies to what the LAN sent
 * (same remote address and port) are forwarded in, so no NATed host can be reached unsolicited.
 */
public enum Nat {
  /** No NAT: the host itself sits on the internet with a public address. */
  NONE,
  /**
   * Endpoint-independent mapping (RFC 4787), "easy NAT": plain {@code MASQUERADE}. Linux keeps the
   * source port when it is free, so one socket appears at the same WAN address and port to every
   * destination.
   */
  EIM,
  /**
   * Endpoint-dependent mapping, "hard" or "symmetric" NAT: {@code MASQUERADE --random-fully}
   * picks a random WAN port for every new conntrack entry, i.e. for every destination a socket
   * talks to.
   */
  EDM,
  /**
   * {@link #EIM}, and every forwarded UDP packet is dropped in both directions: only TCP (and
   * ICMP) crosses, like a network that allows nothing but web traffic.
   */
  UDP_BLOCKED,
  /**
   * {@link #EDM}, plus a port-mapping gateway: Debian's {@code miniupnpd} (the iptables flavour)
   * answers PCP and NAT-PMP on the LAN side and forwards the ports it maps (DNAT in its
   * {@code MINIUPNPD} chains, see {@link #miniupnpdChains}). A node that asks gets a fixed public
   * port despite the endpoint-dependent mapping of everything else.
   */
  EDM_PMP;

  /**
   * The iptables commands (without the leading {@code iptables}) that make a NAT router of this
   * kind, with {@code wan} and {@code lan} its interfaces. Empty for {@link #NONE}.
   */
  List<List<String>> rules(String wan, String lan) {
    if (this == NONE) {
      return List.of();
    }
    List<List<String>> rules = new ArrayList<>();
    List<String> masquerade = new ArrayList<>(List.of("-t", "nat", "-A", "POSTROUTING", "-o", wan, "-j", "MASQUERADE"));
    if (this == EDM || this == EDM_PMP) {
      masquerade.add("--random-fully");
    }
    if (this == EDM_PMP) {
      // miniupnpd checks its own WAN address with STUN from four sockets and refuses to map ports
      // if the ports it sees change; the router's own traffic keeps its ports, as on a real one
      rules.add(List.of("-t", "nat", "-A", "POSTROUTING", "-o", wan, "-m", "addrtype", "--src-type", "LOCAL",
          "-j", "RETURN"));
    }
    rules.add(masquerade);
    if (this == UDP_BLOCKED) {
      // First in FORWARD, so that not even replies to UDP the LAN sent get through.
      rules.add(List.of("-A", "FORWARD", "-p", "udp", "-j", "DROP"));
    }
    // Like a home router, unsolicited UDP to the router itself is dropped, not accepted: an accepted
    // packet would leave a confirmed conntrack entry whose reply tuple then clashes with the
    // LAN's own mapping to the same peer, and MASQUERADE would pick another port (the mapping
    // would no longer be endpoint-independent).
    rules.add(List.of("-A", "INPUT", "-i", wan, "-p", "udp", "-m", "conntrack", "--ctstate", "NEW", "-j", "DROP"));
    // Stateful filtering: only what belongs to a connection (or flow) the LAN started comes in.
    rules.add(List.of("-A", "FORWARD", "-i", wan, "-o", lan, "-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED",
        "-j", "ACCEPT"));
    if (this == EDM_PMP) {
      // what miniupnpd's DNAT forwards (its own filter chain is in the legacy tables, which cannot
      // override a DROP here)
      rules.add(List.of("-A", "FORWARD", "-i", wan, "-o", lan, "-m", "conntrack", "--ctstate", "DNAT", "-j", "ACCEPT"));
    }
    rules.add(List.of("-A", "FORWARD", "-i", wan, "-o", lan, "-j", "DROP"));
    return rules;
  }

  /**
   * The {@code iptables-legacy} commands (without the command) that make the chains miniupnpd
   * fills, as its {@code iptables_init.sh} would: Debian's miniupnpd-iptables writes through
   * libiptc, i.e. the legacy x_tables, which the kernel runs beside the nftables-based rules of
   * {@link #rules}. Empty for kinds without a port-mapping gateway.
   */
  List<List<String>> miniupnpdChains(String wan) {
    if (this != EDM_PMP) {
      return List.of();
    }
    return List.of(
        List.of("-t", "nat", "-N", "MINIUPNPD"),
        List.of("-t", "nat", "-N", "MINIUPNPD-POSTROUTING"),
        List.of("-t", "mangle", "-N", "MINIUPNPD"),
        List.of("-t", "filter", "-N", "MINIUPNPD"),
        List.of("-t", "nat", "-A", "PREROUTING", "-i", wan, "-j", "MINIUPNPD"),
        List.of("-t", "nat", "-A", "POSTROUTING", "-o", wan, "-j", "MINIUPNPD-POSTROUTING"),
        List.of("-t", "mangle", "-A", "PREROUTING", "-i", wan, "-j", "MINIUPNPD"),
        List.of("-t", "filter", "-A", "FORWARD", "-i", wan, "!", "-o", wan, "-j", "MINIUPNPD"));
  }
}
