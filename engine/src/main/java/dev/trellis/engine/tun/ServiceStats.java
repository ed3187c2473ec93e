package dev.trellis.engine.tun;

/**
 * What the {@link FilteringTun}'s local UDP services saw, counted since the wrapper was made.
 *
 * @param delivered datagrams handed to a service
 * @param replied replies written to the OS
 * @param refused packets to a service address that were not UDP to a registered port (dropped
 *     without an answer)
 * @param malformed packets to a service address with bad lengths or checksum, or fragmented
 * @param replyTooLarge replies refused because they do not fit the TUN MTU
 * @param replyFailed replies the TUN would not take (e.g. closed)
 * @param serviceFailed datagrams whose service threw
 */
public record ServiceStats(long delivered, long replied, long refused, long malformed,
        long replyTooLarge, long replyFailed, long serviceFailed) {}
