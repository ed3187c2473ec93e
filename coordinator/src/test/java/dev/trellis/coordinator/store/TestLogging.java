package dev.trellis.coordinator.store;

import java.util.logging.Level;
import java.util.logging.Logger;

/** Flyway logs every migration through java.util.logging; tests keep their output to warnings. */
final class TestLogging {
    private static final Logger FLYWAY = Logger.getLogger("org.flywaydb");

    static {
        FLYWAY.setLevel(Level.WARNING);
    }

    private TestLogging() {}

    /** Applies the settings above (class initialisation does the work; the strong reference keeps it). */
    static void quiet() {}
}
