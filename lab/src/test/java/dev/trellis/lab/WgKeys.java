package dev.trellis.lab;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A WireGuard key pair in wg's base64 text form, made by the stock {@code wg} tool. */
record WgKeys(String privateKey, String publicKey) {
  private static final Duration TIMEOUT = Netns.DEFAULT_TIMEOUT;

  static WgKeys generate() {
    String privateKey = Shell.run(TIMEOUT, List.of("wg", "genkey")).orThrow().stdout().strip();
    String publicKey = Shell.run(TIMEOUT, List.of("wg", "pubkey"), Map.of(), privateKey + "\n")
        .orThrow().stdout().strip();
    return new WgKeys(privateKey, publicKey);
  }

  static String generatePresharedKey() {
    return Shell.run(TIMEOUT, List.of("wg", "genpsk")).orThrow().stdout().strip();
  }

  @Override
  public String toString() {
    return "WgKeys[public=" + publicKey + "]";
  }
}
