/** The {@code trellis-coordinator} command line (picocli); nothing depends on it. */
package dev.trellis.coordinator.cmd;
