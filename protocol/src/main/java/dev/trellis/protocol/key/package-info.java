/** Typed keys (node, machine, preshared) with safe text forms; every module may depend on this package. */
package dev.trellis.protocol.key;
