/**
 * The whole mesh in network namespaces: a coordinator ({@code bin/trellis-coordinator}) in a hub
 * namespace, and nodes that each run {@code bin/trellisd} with a real TUN device and are driven
 * through {@code bin/trellis}, as a user would. Tests here need root and are tagged
 * {@code "root"}; only tests may depend on this package.
 */
package dev.trellis.lab.mesh;
