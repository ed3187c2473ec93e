/**
 * Network-namespace lab: real kernels, real TUN devices and the stock {@code wg} tool, driving
 * wireguard-go and Trellis ({@code bin/trellis-wg}) side by side; tests here need root and are
 * tagged {@code "root"}. Its public harness classes serve the lab's subpackages (e.g. the mesh
 * tests); nothing in production code may depend on this package.
 */
package dev.trellis.lab;
