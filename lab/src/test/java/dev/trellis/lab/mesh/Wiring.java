package dev.trellis.lab.mesh;

import dev.trellis.lab.Netns;
import dev.trellis.lab.Shell;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code ip}, {@code sysctl} and {@code iptables} commands that wire a {@link NatLab}: point-to-
 * point links to the internet router (198.19.N.0/24, router .1), NAT routers with their LAN
 * (198.18.N.0/24, NAT .1) and renumbering. Veths are created with both ends inside their
 * namespaces, so nothing ever appears in the host's.
 */
final class Wiring {
  static final String INTERNET = "198.19.";
  static final String LAN = "198.18.";

  private Wiring() {}

  /** Links {@code ns} ({@code ifname}, 198.19.N.2, default route via .1) to the router ({@code iN}, .1). */
  static void attach(Netns internet, Netns ns, int link, String ifname) {
    String routerIf = "i" + link;
    Shell.run(Netns.DEFAULT_TIMEOUT, List.of("ip", "link", "add", ifname, "netns", ns.name(), "type", "veth",
        "peer", "name", routerIf, "netns", internet.name())).orThrow();
    internet.execOk("ip", "addr", "add", NatLab.publicAddress(link, 1) + "/24", "dev", routerIf);
    internet.execOk("ip", "link", "set", routerIf, "up");
    ns.execOk("ip", "addr", "add", NatLab.publicAddress(link, 2) + "/24", "dev", ifname);
    ns.execOk("ip", "link", "set", ifname, "up");
    ns.execOk("ip", "route", "add", "default", "via", NatLab.publicAddress(link, 1));
  }

  /**
   * Makes {@code natNs} (already attached by its WAN) the router of {@code host}'s LAN: the LAN
   * veth (NAT {@code lan0} .1, host {@code eth0} .2, the host's default route via .1), forwarding,
   * and the iptables rules of {@code nat}.
   */
  static void natRouter(Netns natNs, Netns host, int link, Nat nat) {
    forwarding(natNs);
    Shell.run(Netns.DEFAULT_TIMEOUT, List.of("ip", "link", "add", NatLab.HOST_IF, "netns", host.name(), "type", "veth",
        "peer", "name", NatLab.LAN_IF, "netns", natNs.name())).orThrow();
    natNs.execOk("ip", "addr", "add", NatLab.lanAddress(link, 1) + "/24", "dev", NatLab.LAN_IF);
    natNs.execOk("ip", "link", "set", NatLab.LAN_IF, "up");
    host.execOk("ip", "addr", "add", NatLab.lanAddress(link, 2) + "/24", "dev", NatLab.HOST_IF);
    host.execOk("ip", "link", "set", NatLab.HOST_IF, "up");
    host.execOk("ip", "route", "add", "default", "via", NatLab.lanAddress(link, 1));
    for (List<String> rule : nat.rules(NatLab.WAN_IF, NatLab.LAN_IF)) {
      List<String> command = new ArrayList<>(List.of("iptables", "-w"));
      command.addAll(rule);
      natNs.execOk(command.toArray(String[]::new));
    }
    for (List<String> rule : nat.miniupnpdChains(NatLab.WAN_IF)) {
      List<String> command = new ArrayList<>(List.of("iptables-legacy", "-w"));
      command.addAll(rule);
      natNs.execOk(command.toArray(String[]::new));
    }
  }

  /**
   * The configuration of a {@link Nat#EDM_PMP} router's miniupnpd: PCP and NAT-PMP on the LAN
   * side only, no UPnP; a host may map only its own address (secure mode), ports 1024+. The WAN
   * address is in 198.18.0.0/15, which miniupnpd counts as reserved and would refuse to map on;
   * asking a relay's STUN server shows it is the router's own public address (the same port from
   * four sockets), which miniupnpd accepts.
   */
  static String miniupnpdConfig(int link, String stunHost, int stunPort) {
    return String.join("\n",
        "ext_ifname=" + NatLab.WAN_IF,
        "listening_ip=" + NatLab.LAN_IF,
        "enable_natpmp=yes",
        "enable_upnp=no",
        "secure_mode=yes",
        "system_uptime=no",
        "ext_perform_stun=yes",
        "ext_stun_host=" + stunHost,
        "ext_stun_port=" + stunPort,
        "allow 1024-65535 " + LAN + link + ".0/24 1024-65535",
        "deny 0-65535 0.0.0.0/0 0-65535",
        "");
  }

  static void forwarding(Netns ns) {
    ns.execOk("sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
  }

  /**
   * Replaces {@code old} with {@code fresh} (both /24) on {@code ifname}. Deleting an interface's
   * only address also deletes its routes, so the default route is put back.
   */
  static void renumber(Netns ns, String ifname, String old, String fresh, String gateway) {
    ns.execOk("ip", "addr", "del", old + "/24", "dev", ifname);
    ns.execOk("ip", "addr", "add", fresh + "/24", "dev", ifname);
    ns.execOk("ip", "route", "replace", "default", "via", gateway);
  }

  /** The next host number in the same /24 (.2 after .254; .1 is the router's). */
  static String nextAddress(String address) {
    int dot = address.lastIndexOf('.');
    int host = Integer.parseInt(address.substring(dot + 1));
    return address.substring(0, dot + 1) + (host >= 254 ? 2 : host + 1);
  }
}
