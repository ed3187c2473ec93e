/**
 * The {@code trellis} command line: picocli commands over the LocalAPI, their output formats and
 * the exit-code contract ({@link dev.trellis.cli.ExitCode}). Nothing depends on this package.
 */
package dev.trellis.cli;
