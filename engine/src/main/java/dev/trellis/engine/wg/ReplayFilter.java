package dev.trellis.engine.wg;

/**
 * Sliding-window replay protection for transport counters (RFC 6479's bitmap ring, as in
 * wireguard-go): accepts each counter at most once and rejects counters older than the window.
 * Not thread-safe: each keypair's filter is used only by the peer's in-order receive step.
 */
final class ReplayFilter {
    private static final int BLOCK_BITS = 64;
    private static final int RING_BLOCKS = 128; // power of two
    private static final int BLOCK_MASK = RING_BLOCKS - 1;
    /** Counters more than this far behind the newest are rejected. */
    static final int WINDOW = (RING_BLOCKS - 1) * BLOCK_BITS;

    private final long[] ring = new long[RING_BLOCKS];
    private long last; // newest accepted counter + 1, 0 = none yet

    /**
     * Accepts {@code counter} (unsigned) if it is below {@code limit}, within the window and not
     * seen before, and records it.
     */
    boolean accept(long counter, long limit) {
        if (Long.compareUnsigned(counter, limit) >= 0) {
            return false;
        }
        long c = counter + 1; // shift by one so that counter 0 differs from "nothing yet"
        long blockIndex = c >>> 6;
        if (Long.compareUnsigned(c, last) > 0) {
            long current = last >>> 6;
            long diff = Math.min(blockIndex - current, RING_BLOCKS);
            for (long i = 1; i <= diff; i++) {
                ring[(int) ((current + i) & BLOCK_MASK)] = 0;
            }
            last = c;
        } else if (last - c > WINDOW) {
            return false;
        }
        int idx = (int) (blockIndex & BLOCK_MASK);
        long bit = 1L << (c & (BLOCK_BITS - 1));
        if ((ring[idx] & bit) != 0) {
            return false;
        }
        ring[idx] |= bit;
        return true;
    }

    void reset() {
        last = 0;
        java.util.Arrays.fill(ring, 0);
    }
}
