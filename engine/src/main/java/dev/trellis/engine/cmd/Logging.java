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

    public static void configure(String level) {
        Level l = switch (level == null ? "error" : level.strip()) {
            case "verbose", "debug" -> Level.FINE;
            case "silent" -> Level.OFF;
            default -> Level.WARNING; // "error" and unset, as wireguard-go

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
