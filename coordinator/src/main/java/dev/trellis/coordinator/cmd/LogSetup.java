package dev.trellis.coordinator.cmd;

import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * One-line log records on stderr. The server logs at INFO (LOG_LEVEL=debug|warn changes it);
 * admin commands only at WARNING, so their stdout and stderr stay clean for scripts. Flyway's
 * and HikariCP's chatter is kept at WARNING either way.
 */
final class LogSetup {
    /** Held so their levels stick: java.util.logging keeps loggers only weakly. */
    private static final Logger FLYWAY = Logger.getLogger("org.flywaydb");
    private static final Logger HIKARI = Logger.getLogger("com.zaxxer.hikari");

    private LogSetup() {}

    static void configure(boolean server) {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT %4$s %3$s: %5$s%6$s%n");
        Level level = server ? level(System.getenv("LOG_LEVEL")) : Level.WARNING;
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        ConsoleHandler console = new ConsoleHandler();
        console.setFormatter(new SimpleFormatter());
        console.setLevel(Level.ALL);
        root.addHandler(console);
        root.setLevel(level);
        FLYWAY.setLevel(Level.WARNING);
        HIKARI.setLevel(Level.WARNING);
    }

    private static Level level(String text) {
        if (text == null) {
            return Level.INFO;
        }
        return switch (text.toLowerCase(java.util.Locale.ROOT)) {
            case "debug", "verbose" -> Level.FINE;
            case "warn", "warning", "error", "silent" -> Level.WARNING;
            default -> Level.INFO;
        };
    }
}
