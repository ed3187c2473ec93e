package dev.trellis.lab.mesh;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A bad link, in the words of {@code tc netem}: each packet is lost with {@code lossPercent},
 * else held for {@code delay} ± {@code jitter} (uniform), except that {@code reorderPercent} of
 * packets go at once and so overtake the held ones (netem's "reorder"). Applied per direction.
 *
 * @param lossPercent 0..100
 * @param delay 0..10 s
 * @param jitter 0..{@code delay}
 * @param reorderPercent 0..100; more than 0 needs a delay, as in netem
 */
public record Impairment(double lossPercent, Duration delay, Duration jitter, double reorderPercent) {
  /** Held packets sit in a kernel queue of bounded length; a lab link slower than this is a mistake. */
  static final Duration MAX_DELAY = Duration.ofSeconds(10);

  public Impairment {
    if (!(lossPercent >= 0 && lossPercent <= 100) || !(reorderPercent >= 0 && reorderPercent <= 100)) {
      throw new IllegalArgumentException("loss and reorder must be 0..100 %: " + lossPercent + ", " + reorderPercent);
    }
    if (delay.isNegative() || jitter.isNegative() || jitter.compareTo(delay) > 0 || delay.compareTo(MAX_DELAY) > 0) {
      throw new IllegalArgumentException("need 0 <= jitter <= delay <= " + MAX_DELAY.toSeconds() + " s, got delay "
          + delay + " jitter " + jitter);
    }
    if (reorderPercent > 0 && delay.isZero()) {
      throw new IllegalArgumentException("reorder needs a delay (the held packets are what the others overtake)");
    }
  }

  /**
   * Parses the netem words this lab supports, in any order: {@code loss P%}, {@code delay D [J]}
   * ({@code 20ms}, {@code 0.5s}), {@code reorder P%}; e.g. {@code "loss 5% delay 20ms 5ms reorder
   * 25%"}. Anything else (correlations, rate, duplicate, corrupt) is refused: the emulation used
   * where the kernel has no netem could not honour it.
   */
  public static Impairment parse(String spec) {
    List<String> words = List.of(spec.strip().toLowerCase(Locale.ROOT).split("\\s+"));
    double loss = 0;
    double reorder = 0;
    Duration delay = Duration.ZERO;
    Duration jitter = Duration.ZERO;
    for (int i = 0; i < words.size(); i++) {
      String word = words.get(i);
      boolean hasNext = i + 1 < words.size();
      switch (word) {
        case "loss" -> loss = percent(spec, word, hasNext ? words.get(++i) : null);
        case "reorder" -> reorder = percent(spec, word, hasNext ? words.get(++i) : null);
        case "delay" -> {
          delay = time(spec, hasNext ? words.get(++i) : null);
          if (i + 1 < words.size() && Character.isDigit(words.get(i + 1).charAt(0))) {
            jitter = time(spec, words.get(++i));
          }
        }
        default -> throw new IllegalArgumentException("unsupported netem word \"" + word + "\" in \"" + spec
            + "\": the lab supports loss P%, delay D [JITTER], reorder P%");
      }
    }
    return new Impairment(loss, delay, jitter, reorder);
  }

  /** The same, as {@code tc qdisc … netem} arguments. */
  List<String> netemWords() {
    List<String> words = new ArrayList<>();
    if (!delay.isZero()) {
      words.addAll(List.of("delay", micros(delay)));
      if (!jitter.isZero()) {
        words.add(micros(jitter));
      }
    }
    if (reorderPercent > 0) {
      words.addAll(List.of("reorder", reorderPercent + "%"));
    }
    if (lossPercent > 0) {
      words.addAll(List.of("loss", lossPercent + "%"));
    }
    return words;
  }

  private static String micros(Duration d) {
    return (d.toNanos() / 1000) + "us";
  }

  private static double percent(String spec, String word, String value) {
    if (value == null || !value.matches("[0-9]+(\\.[0-9]+)?%")) {
      throw new IllegalArgumentException(word + " needs a percentage like 5% in \"" + spec + "\", got " + value);
    }
    return Double.parseDouble(value.substring(0, value.length() - 1));
  }

  private static Duration time(String spec, String value) {
    if (value != null) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(us|ms|s)").matcher(value);
      if (m.matches()) {
        double amount = Double.parseDouble(m.group(1));
        double nanosPer = switch (m.group(2)) {
          case "us" -> 1e3;
          case "ms" -> 1e6;
          default -> 1e9;
        };
        return Duration.ofNanos(Math.round(amount * nanosPer));
      }
    }
    throw new IllegalArgumentException("delay needs a time like 20ms in \"" + spec + "\", got " + value);
  }
}
