package dev.trellis.coordinator.cmd;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import picocli.CommandLine;

/** Durations as operators write them: {@code 90s}, {@code 15m}, {@code 12h}, {@code 180d}, or ISO-8601 {@code PT30S}. */
final class Durations implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        try {
            return parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }

    static Duration parse(String text) {
        String s = text == null ? "" : text.strip();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty duration: use e.g. 90s, 15m, 12h or 180d");
        }
        if (s.startsWith("P") || s.startsWith("p")) {
            try {
                return nonNegative(Duration.parse(s), text);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("bad duration '" + text + "': use e.g. 90s, 15m, 12h, 180d or PT30S");
            }
        }
        char unit = Character.toLowerCase(s.charAt(s.length() - 1));
        String number = s.substring(0, s.length() - 1);
        if (!number.matches("[0-9]{1,9}")) {
            throw new IllegalArgumentException("bad duration '" + text + "': use e.g. 90s, 15m, 12h or 180d");
        }
        long n = Long.parseLong(number);
        return switch (unit) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            case 'd' -> Duration.ofDays(n);
            default -> throw new IllegalArgumentException("bad duration unit in '" + text + "': use s, m, h or d");
        };
    }

    private static Duration nonNegative(Duration d, String text) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("negative duration '" + text + "'");
        }
        return d;
    }
}
