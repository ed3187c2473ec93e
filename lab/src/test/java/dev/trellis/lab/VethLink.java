package dev.trellis.lab;

import java.util.List;

/**
 * A veth pair joining two namespaces: device {@code lk<subnet>} on both ends, 198.18.S.1/24 on
 * side A and 198.18.S.2/24 on side B (RFC 2544 benchmarking space, never routed anywhere). Deleting
 * either namespace deletes the pair.
 */
final class VethLink {
  private final Netns a;
  private final Netns b;
  private final int subnet;
  private final String device;
  private int hostB = 2;

  private VethLink(Netns a, Netns b, int subnet) {
    this.a = a;
    this.b = b;
    this.subnet = subnet;
    this.device = "lk" + subnet;
  }

  /** Joins {@code a} and {@code b} on 198.18.{@code subnet}.0/24 ({@code subnet} in 0..255). */
  static VethLink create(Netns a, Netns b, int subnet) {
    if (subnet < 0 || subnet > 255) {
      throw new IllegalArgumentException("subnet must be 0..255 (198.18.S.0/24): " + subnet);
    }
    VethLink link = new VethLink(a, b, subnet);
    // Created directly inside both namespaces; nothing ever appears in the host namespace.
    Shell.run(Netns.DEFAULT_TIMEOUT, List.of("ip", "link", "add", link.device, "netns", a.name(),
        "type", "veth", "peer", "name", link.device, "netns", b.name())).orThrow();
    a.execOk("ip", "addr", "add", link.addressA() + "/24", "dev", link.device);
    b.execOk("ip", "addr", "add", link.addressB() + "/24", "dev", link.device);
    a.execOk("ip", "link", "set", link.device, "up");
    b.execOk("ip", "link", "set", link.device, "up");
    return link;
  }

  String device() {
    return device;
  }

  String addressA() {
    return "198.18." + subnet + ".1";
  }

  String addressB() {
    return "198.18." + subnet + "." + hostB;
  }

  /** Moves side B to 198.18.S.{@code newHost}: the old address is gone, as when a laptop roams. */
  void renumberB(int newHost) {
    String old = addressB();
    hostB = newHost;
    // Delete first: removing a primary address also removes secondaries in the same subnet.
    b.execOk("ip", "addr", "del", old + "/24", "dev", device);
    b.execOk("ip", "addr", "add", addressB() + "/24", "dev", device);
  }

  /**
   * Adds 2001:2:0:S::1/64 (side A) and ::2/64 (side B) without duplicate address detection:
   * 2001:2::/48 is the IPv6 benchmarking range (RFC 5180), the counterpart of 198.18.0.0/15.
   * No test uses it yet.
   */
  void addIpv6() {
    String prefix = "2001:2:0:" + Integer.toHexString(subnet) + "::";
    a.execOk("ip", "-6", "addr", "add", prefix + "1/64", "dev", device, "nodad");
    b.execOk("ip", "-6", "addr", "add", prefix + "2/64", "dev", device, "nodad");
  }
}
