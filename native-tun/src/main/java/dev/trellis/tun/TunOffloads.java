package dev.trellis.tun;

/**
 * Diagnostics of a {@link TunDevice} that can exchange TCP super-packets with the OS
 * (segmentation offload on read, coalescing on write), as wireguard-go's Linux TUN does with
 * virtio-net headers. Implemented by devices that may have offloads; test with
 * {@code instanceof}.
 */
public interface TunOffloads {

    /** Whether the OS accepted the offloads; if not, the device works packet by packet. */
    boolean offloadsEnabled();

    /** TCP super-packets read from the OS and split into segments. */
    long superPacketsSplit();

    /** Super-packets written to the OS, each made from two or more segments. */
    long superPacketsWritten();

    /** Packets dropped because what the OS handed over did not hold together. */
    long malformedDropped();
}
