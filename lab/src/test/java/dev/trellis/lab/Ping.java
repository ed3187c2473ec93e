package dev.trellis.lab;

import java.time.Duration;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** iputils {@code ping} run inside a namespace, and its summary parsed. */
record Ping(int transmitted, int received, OptionalDouble avgRttMs, String output) {
  private static final Pattern COUNTS = Pattern.compile("(\\d+) packets transmitted, (\\d+) (?:packets )?received");
  private static final Pattern RTT = Pattern.compile("(?:rtt|round-trip) min/avg/max/(?:mdev|stddev) = [\\d.]+/([\\d.]+)/");

  /** {@code count} echo requests, {@code interval} seconds apart, waiting {@code waitSeconds} for each reply. */
  static Ping run(Netns from, String address, int count, double interval, int waitSeconds) {
    // Slack for a loaded machine: the limit only matters if ping hangs.
    Duration timeout = Duration.ofMillis((long) (count * interval * 1000) + waitSeconds * 1000L + 20_000);
    ExecResult result = from.exec(timeout, "ping", "-n", "-c", Integer.toString(count),
        "-i", String.format(Locale.ROOT, "%.3f", interval), "-W", Integer.toString(waitSeconds), address);
    if (result.timedOut()) {
      throw new LabException(result.describe());
    }
    // Exit 1 means "no reply", still with a summary; 2 is an error such as no route.
    return parse(result.stdout() + result.stderr());
  }

  /** Starts a ping in the background (for traffic that must continue during something else). */
  static BackgroundProcess start(Netns from, String address, int count, double interval,
      java.nio.file.Path log) {
    return from.spawn("ping " + address, log, java.util.Map.of(), "ping", "-n", "-c",
        Integer.toString(count), "-i", String.format(Locale.ROOT, "%.3f", interval), "-W", "1", address);
  }

  static Ping parse(String output) {
    Matcher counts = COUNTS.matcher(output);
    if (!counts.find()) {
      // e.g. "connect: Network is unreachable": nothing was sent.
      return new Ping(0, 0, OptionalDouble.empty(), output);
    }
    Matcher rtt = RTT.matcher(output);
    OptionalDouble avg = rtt.find() ? OptionalDouble.of(Double.parseDouble(rtt.group(1))) : OptionalDouble.empty();
    return new Ping(Integer.parseInt(counts.group(1)), Integer.parseInt(counts.group(2)), avg, output);
  }

  boolean allReplied() {
    return transmitted > 0 && received == transmitted;
  }

  String summary() {
    return received + "/" + transmitted + " replies"
        + (avgRttMs.isPresent() ? String.format(Locale.ROOT, ", avg rtt %.3f ms", avgRttMs.getAsDouble()) : "");
  }

  @Override
  public String toString() {
    return summary() + "\n" + output.strip();
  }
}
