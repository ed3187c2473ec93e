package dev.trellis.lab.mesh;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a {@link NatProbe} saw from inside a namespace: the local UDP port of its one socket, per
 * STUN server either the mapped address or why there was none, and per HTTP server either the
 * status of {@code GET /health} or why there was none. Servers are keyed {@code "IP:PORT"}.
 *
 * @param localPort the probe's UDP port on the host itself
 * @param stun per STUN server: {@code "mapped IP:PORT"} or {@code "none REASON"}, in query order
 * @param http per HTTP server: {@code "status CODE FIRST-BODY-LINE"} or {@code "none REASON"}
 * @param output the probe's whole output, for failure messages
 */
public record ProbeReport(int localPort, Map<String, String> stun, Map<String, String> http, String output) {
  public ProbeReport {
    stun = Map.copyOf(stun);
    http = Map.copyOf(http);
  }

  /** Parses NatProbe's lines; anything unexpected is an error naming the line. */
  static ProbeReport parse(String output) {
    int localPort = -1;
    Map<String, String> stun = new LinkedHashMap<>();
    Map<String, String> http = new LinkedHashMap<>();
    for (String line : output.lines().toList()) {
      String[] parts = line.split(" ", 3);
      switch (parts[0]) {
        case "udp-local" -> localPort = Integer.parseInt(parts[1]);
        case "stun" -> stun.put(parts[1], parts.length > 2 ? parts[2] : "");
        case "http" -> http.put(parts[1], parts.length > 2 ? parts[2] : "");
        default -> throw new IllegalArgumentException("unexpected NAT probe line \"" + line + "\" in:\n" + output);
      }
    }
    if (localPort < 0) {
      throw new IllegalArgumentException("the NAT probe printed no udp-local line:\n" + output);
    }
    return new ProbeReport(localPort, stun, http, output);
  }

  /** The address {@code server} ("IP:PORT") reported for the probe's socket, if it answered. */
  public Optional<InetSocketAddress> mapped(String server) {
    String outcome = outcome(stun, "STUN", server);
    if (!outcome.startsWith("mapped ")) {
      return Optional.empty();
    }
    String address = outcome.substring("mapped ".length());
    int colon = address.lastIndexOf(':');
    return Optional.of(new InetSocketAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))));
  }

  /** The HTTP status {@code server} answered {@code GET /health} with; empty when it could not be reached. */
  public Optional<Integer> httpStatus(String server) {
    String outcome = outcome(http, "HTTP", server);
    if (!outcome.startsWith("status ")) {
      return Optional.empty();
    }
    return Optional.of(Integer.parseInt(outcome.split(" ", 3)[1]));
  }

  private String outcome(Map<String, String> results, String kind, String server) {
    String outcome = results.get(server);
    if (outcome == null) {
      throw new IllegalArgumentException("the probe did not ask " + kind + " server " + server + "; it asked "
          + results.keySet());
    }
    return outcome;
  }

  /** {@code IP:PORT} of an address, the form servers are keyed by. */
  static String key(InetSocketAddress address) {
    return address.getAddress().getHostAddress() + ":" + address.getPort();
  }
}
