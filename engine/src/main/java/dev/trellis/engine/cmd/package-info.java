/** Command-line entry points of the engine ({@code trellis-wg}); nothing depends on this package. */
package dev.trellis.engine.cmd;
