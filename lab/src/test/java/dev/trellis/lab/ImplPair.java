package dev.trellis.lab;

import java.util.ArrayList;
import java.util.List;

/**
 * The implementations on side A and side B of a two-node lab. Which pairs run is chosen with
 * the system property {@code trellis.lab.pairs} or env {@code TRELLIS_LAB_PAIRS}, e.g.
 * {@code wireguard-go:wireguard-go,trellis:wireguard-go}; the default is all four.
 */
record ImplPair(Impl a, Impl b) {

  static List<ImplPair> selected() {
    return parse(System.getProperty("trellis.lab.pairs", System.getenv().getOrDefault("TRELLIS_LAB_PAIRS", "")));
  }

  static List<ImplPair> parse(String spec) {
    if (spec.isBlank()) {
      return List.of(new ImplPair(Impl.WIREGUARD_GO, Impl.WIREGUARD_GO),
          new ImplPair(Impl.TRELLIS, Impl.WIREGUARD_GO),
          new ImplPair(Impl.WIREGUARD_GO, Impl.TRELLIS),
          new ImplPair(Impl.TRELLIS, Impl.TRELLIS));
    }
    List<ImplPair> pairs = new ArrayList<>();
    for (String item : spec.split(",")) {
      String[] sides = item.split(":");
      if (sides.length != 2) {
        throw new IllegalArgumentException("pair '" + item + "' is not A:B, e.g. trellis:wireguard-go");
      }
      pairs.add(new ImplPair(Impl.parse(sides[0]), Impl.parse(sides[1])));
    }
    return pairs;
  }

  boolean involves(Impl impl) {
    return a == impl || b == impl;
  }

  @Override
  public String toString() {
    return "a=" + a + " b=" + b;
  }
}
