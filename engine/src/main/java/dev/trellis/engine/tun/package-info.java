/**
 * The TUN wrapper between the OS and the WireGuard device (Tailscale's {@code tstun.Wrapper}):
 * it applies the packet filter to both directions and answers local UDP services such as DNS
 * inside the tunnel. Used by the daemon, which hands the wrapper to the Device in place of the
 * raw TUN; depends on native-tun's {@code TunDevice} and the filter package.
 */
package dev.trellis.engine.tun;
