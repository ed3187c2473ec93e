package dev.trellis.cli;

import java.math.BigDecimal;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Durations written as Go (and so {@code tailscale up --timeout}) writes them: a sequence of
 * decimal numbers with units, e.g. {@code 30s}, {@code 1.5h}, {@code 2m30s}, {@code 500ms};
 * units ns, us (or µs), ms, s, m, h. A bare {@code 0} is allowed. Negative durations are refused.
 */
final class GoDuration {
    private static final Duration MAX = Duration.ofDays(365L * 100);

    private GoDuration() {}

    static Duration parse(String text) {
        if (text == null || text.isEmpty() || text.length() > 64) {
            throw new IllegalArgumentException(bad(text));
        }
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        BigDecimal nanos = BigDecimal.ZERO;
        int i = 0;
        while (i < text.length()) {
            int start = i;
            while (i < text.length() && (Character.isDigit(text.charAt(i)) || text.charAt(i) == '.')) {
                i++;
            }
            String number = text.substring(start, i);
            int unitStart = i;
            while (i < text.length() && !Character.isDigit(text.charAt(i)) && text.charAt(i) != '.') {
                i++;
            }
            String unit = text.substring(unitStart, i);
            if (number.isEmpty() || number.equals(".") || number.indexOf('.') != number.lastIndexOf('.')) {
                throw new IllegalArgumentException(bad(text));
            }
            long scale = switch (unit) {
                case "ns" -> 1L;
                case "us", "µs", "μs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                case "h" -> 3_600_000_000_000L;
                default -> throw new IllegalArgumentException(bad(text));
            };
            nanos = nanos.add(new BigDecimal(number).multiply(BigDecimal.valueOf(scale)));
        }
        if (nanos.compareTo(BigDecimal.valueOf(MAX.toNanos())) > 0) {
            throw new IllegalArgumentException("'" + text + "' is too long a duration");
        }
        return Duration.ofNanos(nanos.longValue());
    }

    /** "30s", "1m30s", "2h0m0s", "250ms": Go's String form, shortened for whole seconds. */
    static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        if (d.toNanos() % 1_000_000_000L != 0 && d.toSeconds() == 0) {
            return d.toMillis() + "ms";
        }
        long s = d.toSeconds();
        long h = s / 3600;
        long m = s % 3600 / 60;
        long sec = s % 60;
        if (h > 0) {
            return h + "h" + m + "m" + sec + "s";
        }
        return m > 0 ? m + "m" + sec + "s" : sec + "s";
    }

    private static String bad(String text) {
        return "'" + TerminalText.oneLine(String.valueOf(text)) + "' is not a duration: use e.g. 30s, 2m or 1h30m";
    }

    /** picocli's converter for {@code --timeout}. */
    static final class Converter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
