package dev.trellis.engine.cmd;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * wireguard-go's LOG_LEVEL (verbose, error, silent) mapped onto java.util.logging, which backs
 * {@link System.Logger}. Lines look like wireguard-go's: {@code INFO: 2026/11/25 12:00:00 text}.
 */
public final class Logging {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss");
    private static final Logger ROOT = Logger.getLogger("");

    private Logging() {}

    /** wireguard-go's levels: errors only unless LOG_LEVEL says verbose (or debug) or silent. */
    public static void configure(String level) {
        configure(level, Level.WARNING);
    }

    /**
     * {@code verbose}/{@code debug}, {@code info}, {@code warn}/{@code error} or {@code silent};
     * {@code whenUnset} when {@code level} is null or unknown (trellisd logs at INFO).
     */
    public static void configure(String level, Level whenUnset) {
        Level l = switch (level == null ? "" : level.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "verbose", "debug" -> Level.FINE;
            case "info" -> Level.INFO;
            case "warn", "warning", "error" -> Level.WARNING;
            case "silent" -> Level.OFF;
            default -> whenUnset;
        };
        for (var h : ROOT.getHandlers()) {
            ROOT.removeHandler(h);
        }
        ConsoleHandler h = new ConsoleHandler();
        h.setLevel(l);
        h.setFormatter(new Formatter() {
            @Override
            public String format(LogRecord r) {
                String tag = r.getLevel().intValue() >= Level.WARNING.intValue() ? "ERROR" : r.getLevel() == Level.INFO ? "INFO" : "DEBUG";
                String text = formatMessage(r);
                if (r.getThrown() != null) {
                    text += ": " + r.getThrown();
                }
                return tag + ": " + LocalDateTime.now().format(TIME) + " " + text + System.lineSeparator();
            }
        });
        ROOT.addHandler(h);
        ROOT.setLevel(l);
    }

    public static void info(String text) {
        ROOT.info(text);
    }
}
