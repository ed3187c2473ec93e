package dev.trellis.lab;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One iperf3 TCP measurement: a one-shot server ({@code -s -1}) in one namespace, the client in
 * another, the receiver's rate read from the client's JSON report.
 */
final class Iperf3 {
  static final int PORT = 5201;
  // "sum_received" is a flat object in iperf3's JSON: no nested braces before bits_per_second.
  private static final Pattern RECEIVED =
      Pattern.compile("\"sum_received\"\\s*:\\s*\\{[^}]*?\"bits_per_second\"\\s*:\\s*([0-9.eE+-]+)");
  private static final Pattern ERROR = Pattern.compile("\"error\"\\s*:\\s*\"([^\"]*)\"");

  private Iperf3() {}

  /**
   * Measures TCP throughput to {@code serverAddress} for {@code seconds}; with {@code reverse}
   * the server sends (iperf3 -R). Returns the receiver's bits per second.
   */
  static double measure(Netns server, Netns client, String serverAddress, int seconds,
      boolean reverse, Path logDir) {
    String tag = reverse ? "reverse" : "forward";
    try (BackgroundProcess daemon = server.spawn("iperf3 server", logDir.resolve("iperf3-server-" + tag + ".log"),
        java.util.Map.of(), "iperf3", "-s", "-1", "-B", serverAddress, "-p", Integer.toString(PORT))) {
      Await.until("iperf3 server listening on " + serverAddress + ":" + PORT, Duration.ofSeconds(15),
          () -> {
            if (!daemon.isAlive()) {
              throw new LabException("iperf3 server exited: " + daemon.outputTail(5));
            }
            return server.exec("ss", "-Hltn", "sport = :" + PORT).stdout();
          },
          out -> out.contains(serverAddress + ":" + PORT));
      String[] command = reverse
          ? new String[] {"iperf3", "-c", serverAddress, "-p", Integer.toString(PORT), "-t", Integer.toString(seconds), "-J", "-R"}
          : new String[] {"iperf3", "-c", serverAddress, "-p", Integer.toString(PORT), "-t", Integer.toString(seconds), "-J"};
      ExecResult result = client.exec(Duration.ofSeconds(seconds + 20L), command);
      try {
        java.nio.file.Files.writeString(logDir.resolve("iperf3-client-" + tag + ".json"), result.stdout());
      } catch (java.io.IOException e) {
        // The JSON is only a diagnostic copy.
      }
      if (!result.ok()) {
        throw new LabException("iperf3 client failed: " + errorOf(result.stdout()) + "\n" + result.describe());
      }
      return receivedBitsPerSecond(result.stdout());
    }
  }

  static double receivedBitsPerSecond(String json) {
    Matcher m = RECEIVED.matcher(json);
    if (!m.find()) {
      throw new LabException("no sum_received.bits_per_second in iperf3 JSON: " + errorOf(json));
    }
    return Double.parseDouble(m.group(1));
  }

  private static String errorOf(String json) {
    Matcher m = ERROR.matcher(json);
    return m.find() ? m.group(1) : "(no error field)";
  }
}
