/**
 * Load generators for the scripts in {@code bench/}: simulated nodes that speak the real control
 * protocol to a coordinator in another process. Nothing depends on this package.
 */
package dev.trellis.bench;
