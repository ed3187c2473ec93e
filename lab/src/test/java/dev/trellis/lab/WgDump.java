package dev.trellis.lab;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Parsed {@code wg show IFACE dump}: one tab-separated interface line (private key, public key,
 * listen port, fwmark), then one line per peer (public key, preshared key, endpoint, allowed IPs,
 * latest handshake in epoch seconds, rx bytes, tx bytes, persistent keepalive). Absent values
 * are "(none)" or "off" in wg's output and empty optionals or 0 here.
 */
record WgDump(String publicKey, int listenPort, List<Peer> peers) {

  record Peer(String publicKey, Optional<String> presharedKey, Optional<String> endpoint,
      List<String> allowedIps, long latestHandshakeEpochSeconds, long rxBytes, long txBytes) {

    boolean hasHandshake() {
      return latestHandshakeEpochSeconds > 0;
    }
  }

  static WgDump parse(String text) {
    List<String> lines = text.strip().lines().toList();
    if (lines.isEmpty()) {
      throw new IllegalArgumentException("empty wg dump");
    }
    String[] itf = fields(lines.getFirst(), 4);
    List<Peer> peers = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = fields(line, 8);
      peers.add(new Peer(f[0], absent(f[1]), absent(f[2]),
          f[3].equals("(none)") ? List.of() : Arrays.asList(f[3].split(",")),
          Long.parseLong(f[4]), Long.parseLong(f[5]), Long.parseLong(f[6])));
    }
    return new WgDump(itf[1], Integer.parseInt(itf[2]), List.copyOf(peers));
  }

  Optional<Peer> peer(String publicKey) {
    return peers.stream().filter(p -> p.publicKey().equals(publicKey)).findFirst();
  }

  private static String[] fields(String line, int count) {
    String[] f = line.split("\t");
    if (f.length != count) {
      throw new IllegalArgumentException("expected " + count + " tab-separated fields in wg dump line: " + line);
    }
    return f;
  }

  private static Optional<String> absent(String value) {
    return value.equals("(none)") ? Optional.empty() : Optional.of(value);
  }
}
