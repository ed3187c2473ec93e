/**
 * Linux TUN devices and rtnetlink configuration over JNA; reached only through
 * {@link dev.trellis.tun.Tun}, and nothing outside this module may depend on this package.
 *
 * <p>TUN devices use TCP segmentation offloads (virtio-net headers, TSO on read, coalescing on
 * batch write) when the kernel accepts them; see {@link dev.trellis.tun.TunOffloads}. Escape
 * hatch: the environment variable {@code TRELLIS_TUN_OFFLOAD=0} opens every device without
 * offloads (one packet per read(2)/write(2), as before), e.g. to rule them out when debugging.
 */
package dev.trellis.tun.linux;
