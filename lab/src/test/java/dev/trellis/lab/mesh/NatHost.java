package dev.trellis.lab.mesh;

import dev.trellis.lab.Netns;

/**
 * One machine of a {@link NatLab}: a namespace whose only interface, {@code eth0}, leads either
 * straight to the internet router ({@link Nat#NONE}: its address is public) or to its own NAT
 * router namespace (LAN 198.18.N.0/24, WAN on the internet). Addresses change when the lab
 * renumbers a host ({@link NatLab#changeAddress}, {@link NatLab#changeLanAddress}), so read them
 * again after that rather than keeping them.
 */
public final class NatHost {
  private final String name;
  private final Nat nat;
  private final int link;
  private final Netns ns;
  private final Netns natNs;
  private volatile String publicAddress;
  private volatile String lanAddress;
  private volatile MeshNode node;

  NatHost(String name, Nat nat, int link, Netns ns, Netns natNs, String publicAddress, String lanAddress) {
    this.name = name;
    this.nat = nat;
    this.link = link;
    this.ns = ns;
    this.natNs = natNs;
    this.publicAddress = publicAddress;
    this.lanAddress = lanAddress;
  }

  public String name() {
    return name;
  }

  public Nat nat() {
    return nat;
  }

  public boolean isBehindNat() {
    return nat != Nat.NONE;
  }

  /** The host's own namespace: where its daemon and any tool run as "this machine". */
  public Netns netns() {
    return ns;
  }

  /** The NAT router's namespace (its iptables rules, conntrack, WAN link). */
  public Netns natNetns() {
    if (natNs == null) {
      throw new IllegalStateException(name + " is not behind a NAT");
    }
    return natNs;
  }

  /**
   * Where the internet sees this host: its own address for {@link Nat#NONE}, else its NAT's WAN
   * address (what a relay's STUN reports, with some port).
   */
  public String publicAddress() {
    return publicAddress;
  }

  /** The host's address on its LAN (198.18.N.x); only for hosts behind a NAT. */
  public String lanAddress() {
    if (natNs == null) {
      throw new IllegalStateException(name + " is not behind a NAT: it has no LAN address");
    }
    return lanAddress;
  }

  /** The address on the host's own {@code eth0}: public or LAN. */
  public String address() {
    return natNs == null ? publicAddress : lanAddress;
  }

  /** The trellisd node running here; fails for a bare host ({@link NatLab#addHost}). */
  public MeshNode node() {
    MeshNode n = node;
    if (n == null) {
      throw new IllegalStateException(name + " runs no trellisd (added with addHost, not addNode)");
    }
    return n;
  }

  /** N of the host's link: the internet side is 198.19.N.0/24, the LAN (if any) 198.18.N.0/24. */
  int link() {
    return link;
  }

  /** The internet router's interface towards this host (or its NAT). */
  String routerInterface() {
    return "i" + link;
  }

  /** The namespace whose {@code wan0}/{@code eth0} holds the public address. */
  Netns publicSide() {
    return natNs == null ? ns : natNs;
  }

  /** The interface holding the public address in {@link #publicSide()}. */
  String publicInterface() {
    return natNs == null ? NatLab.HOST_IF : NatLab.WAN_IF;
  }

  void publicAddress(String address) {
    this.publicAddress = address;
  }

  void lanAddress(String address) {
    this.lanAddress = address;
  }

  void node(MeshNode node) {
    this.node = node;
  }

  @Override
  public String toString() {
    return name + " (" + nat + ", " + (natNs == null ? publicAddress : lanAddress + " behind " + publicAddress) + ")";
  }
}
