package dev.trellis.lab.mesh;

import dev.trellis.lab.Await;
import dev.trellis.lab.BackgroundProcess;
import dev.trellis.lab.ExecResult;
import dev.trellis.lab.LabException;
import dev.trellis.lab.Netns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * iperf3 TCP and ping between two lab namespaces, for the benchmarks: a one-shot server
 * ({@code -s -1}) bound to the address measured, the client's JSON report read for the
 * receiver's rate. Each run's JSON is kept in the log directory.
 */
final class BenchIperf {
  private static final int PORT = 5201;
  // "sum_received" is a flat object in iperf3's JSON: no nested braces before bits_per_second.
  private static final Pattern RECEIVED =
      Pattern.compile("\"sum_received\"\\s*:\\s*\\{[^}]*?\"bits_per_second\"\\s*:\\s*([0-9.eE+-]+)");
  private static final Pattern ERROR = Pattern.compile("\"error\"\\s*:\\s*\"([^\"]*)\"");
  private static final Pattern RTT = Pattern.compile("rtt min/avg/max/mdev = [0-9.]+/([0-9.]+)/");
  private static final Pattern RECEIVED_PINGS = Pattern.compile("(\\d+) received");

  private BenchIperf() {}

  /**
   * Bits per second the receiver got in {@code seconds} of iperf3 TCP from {@code client} to
   * {@code address} in {@code server}; with {@code reverse} the server sends ({@code -R}).
   */
  static double tcp(Netns client, Netns server, String address, int seconds, boolean reverse, Path logDir,
      String tag) {
    String name = tag + (reverse ? "-reverse" : "-forward");
    try (BackgroundProcess daemon = server.spawn("iperf3 server " + name, logDir.resolve("iperf3-server-" + name + ".log"),
        Map.of(), "iperf3", "-s", "-1", "-B", address, "-p", Integer.toString(PORT))) {
      Await.until("iperf3 server on " + address + ":" + PORT, Duration.ofSeconds(15), () -> {
        if (!daemon.isAlive()) {
          throw new LabException("iperf3 server exited: " + daemon.outputTail(5));
        }
        return server.exec("ss", "-Hltn", "sport = :" + PORT).stdout();
      }, out -> out.contains(address + ":" + PORT));
      List<String> command = new ArrayList<>(List.of("iperf3", "-c", address, "-p", Integer.toString(PORT), "-t",
          Integer.toString(seconds), "-J"));
      if (reverse) {
        command.add("-R");
      }
      ExecResult result = client.exec(Duration.ofSeconds(seconds + 30L), command.toArray(String[]::new));
      try {
        Files.writeString(logDir.resolve("iperf3-client-" + name + ".json"), result.stdout());
      } catch (IOException e) {
        // only a diagnostic copy
      }
      if (!result.ok()) {
        throw new LabException("iperf3 " + name + " failed: " + match(ERROR, result.stdout(), "(no error field)") + "\n"
            + result.describe());
      }
      String bps = match(RECEIVED, result.stdout(), null);
      if (bps == null) {
        throw new LabException("no sum_received.bits_per_second in iperf3's JSON for " + name);
      }
      return Double.parseDouble(bps);
    }
  }

  /** Average RTT in ms of {@code count} pings 20 ms apart; fails if none was answered. */
  static double rttMs(Netns from, String address, int count) {
    ExecResult r = from.exec(Duration.ofSeconds(30), "ping", "-n", "-q", "-c", Integer.toString(count), "-i", "0.02",
        "-W", "2", address);
    String avg = match(RTT, r.stdout(), null);
    String received = match(RECEIVED_PINGS, r.stdout(), "0");
    if (avg == null || received.equals("0")) {
      throw new LabException("no ping replies from " + address + ": " + r.describe());
    }
    return Double.parseDouble(avg);
  }

  private static String match(Pattern p, String text, String fallback) {
    Matcher m = p.matcher(text);
    return m.find() ? m.group(1) : fallback;
  }
}
