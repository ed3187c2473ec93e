package dev.trellis.lab;

/** Which program backs a WireGuard interface in the lab; both take {@code PROG -f INTERFACE}. */
enum Impl {
  /** Debian's wireguard-go, the reference userspace implementation. */
  WIREGUARD_GO("wireguard-go"),
  /** Trellis's device through its launcher, bin/trellis-wg. */
  TRELLIS("trellis");

  private final String label;

  Impl(String label) {
    this.label = label;
  }

  String label() {
    return label;
  }

  static Impl parse(String text) {
    String t = text.trim().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    for (Impl impl : values()) {
      if (impl.label.equals(t)) {
        return impl;
      }
    }
    if (t.equals("wg-go") || t.equals("go")) {
      return WIREGUARD_GO;
    }
    throw new IllegalArgumentException("unknown implementation '" + text + "' (wireguard-go or trellis)");
  }

  @Override
  public String toString() {
    return label;
  }
}
