/**
 * The whole mesh in network namespaces: a coordinator ({@code bin/trellis-coordinator}) in a hub
 * namespace, and nodes that each run {@code bin/trellisd} with a real TUN device and are driven
 * through {@code bin/trellis}, as a user would; and the NAT lab ({@link dev.trellis.lab.mesh.NatLab}),
 * an internet with relays ({@code bin/trellis-relay}) and NAT routers for testing traversal. Tests
 * that build either need root and are tagged {@code "root"} ({@code NatLabPartsTest} does not);
 * only tests may depend on this package.
 */
package dev.trellis.lab.mesh;
