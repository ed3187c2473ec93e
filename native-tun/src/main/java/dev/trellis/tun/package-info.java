/**
 * TUN devices and interface configuration, with one implementation per OS chosen at run time.
 * The engine and daemon depend on this package; JNA appears nowhere outside this module.
 */
package dev.trellis.tun;
