/**
 * The WireGuard protocol and device (Noise_IKpsk2 handshake, transport, timers, cryptokey
 * routing, cookies) over the TUN and UDP seams. The daemon and the UAPI front end depend on
 * {@link dev.trellis.engine.wg.Device} and the configuration records; the rest is internal.
 */
package dev.trellis.engine.wg;
