package dev.trellis.engine.crypto;

import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * TAI64N timestamps as carried in a handshake initiation, where a responder accepts an
 * initiation only if its timestamp is newer than the last one from that peer (replay defence).
 */
public final class Tai64n {

    public static final int LENGTH = 12;

    /**
     * TAI64 label for the Unix epoch: 2^62 + 10. The 10 is the TAI−UTC offset in 1972;
     * wireguard-go ignores the leap seconds since, as do we, so stamps match its stamps.
     */
    static final long EPOCH_LABEL = 0x400000000000000aL;

    /**
     * wireguard-go clears the low 24 bits of the nanoseconds (steps of ~16.8 ms) so that an
     * initiation does not hand the responder, or whoever later learns its key, a precise clock
     * reading to fingerprint the host with; replay protection needs only ordering.
     */
    static final int NANOS_WHITENER_MASK = (1 << 24) - 1;

    private Tai64n() {
    }

    /** 12 bytes: big-endian (2^62 + 10 + seconds), big-endian (nanoseconds rounded down). */
    public static byte[] now(Clock clock) {
        return of(clock.instant());
    }

    static byte[] of(Instant instant) {
        long seconds = EPOCH_LABEL + instant.getEpochSecond();
        int nanos = instant.getNano() & ~NANOS_WHITENER_MASK;
        byte[] out = new byte[LENGTH];
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) (seconds >>> (56 - 8 * i));
        }
        for (int i = 0; i < 4; i++) {
            out[8 + i] = (byte) (nanos >>> (24 - 8 * i));
        }
        return out;
    }

    /**
     * Unsigned lexicographic comparison, which for TAI64N is chronological order: negative if a
     * is older than b, zero if equal, positive if a is newer.
     */
    public static int compare(byte[] a, byte[] b) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        if (a.length != LENGTH || b.length != LENGTH) {
            throw new IllegalArgumentException(
                    "TAI64N is 12 bytes, got " + a.length + " and " + b.length);
        }
        return Integer.signum(Arrays.compareUnsigned(a, b));
    }
}
