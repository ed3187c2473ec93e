package dev.trellis.protocol.noise;

/** Limits of a {@link NoiseConnection}; immutable, with {@link #defaults()} for production. */
public final class NoiseOptions {
    /** The default limit on one application message: 32 MiB. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 32 << 20;
    /** Java arrays stop a few bytes short of Integer.MAX_VALUE. */
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;
    /**
     * Records per key and direction. The Noise spec forbids nonce 2^64 - 1; stopping at 2^63 - 1
     * keeps the counter a positive long and is out of reach (2^63 records of 4 KiB).
     */
    static final long DEFAULT_RECORD_LIMIT = Long.MAX_VALUE;

    private static final NoiseOptions DEFAULTS =
            new NoiseOptions(DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_RECORD_LIMIT);

    private final int maxMessageBytes;
    private final long recordLimit;

    private NoiseOptions(int maxMessageBytes, long recordLimit) {
        this.maxMessageBytes = maxMessageBytes;
        this.recordLimit = recordLimit;
    }

    public static NoiseOptions defaults() {
        return DEFAULTS;
    }

    /**
     * The largest application message this side sends or accepts. A peer's length prefix above it
     * ends the connection before anything is allocated; both sides should agree on it.
     */
    public NoiseOptions withMaxMessageBytes(int maxMessageBytes) {
        if (maxMessageBytes < 0 || maxMessageBytes > MAX_ARRAY) {
            throw new IllegalArgumentException(
                    "maxMessageBytes must be 0.." + MAX_ARRAY + ", got " + maxMessageBytes);
        }
        return new NoiseOptions(maxMessageBytes, recordLimit);
    }

    /** For tests: exhaust the nonce space after a few records instead of 2^63. */
    NoiseOptions withRecordLimit(long recordLimit) {
        if (recordLimit < 1 || recordLimit > DEFAULT_RECORD_LIMIT) {
            throw new IllegalArgumentException("recordLimit must be 1.." + DEFAULT_RECORD_LIMIT);
        }
        return new NoiseOptions(maxMessageBytes, recordLimit);
    }

    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    long recordLimit() {
        return recordLimit;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NoiseOptions other
                && maxMessageBytes == other.maxMessageBytes && recordLimit == other.recordLimit;
    }

    @Override
    public int hashCode() {
        return Integer.hashCode(maxMessageBytes) * 31 + Long.hashCode(recordLimit);
    }

    @Override
    public String toString() {
        return "NoiseOptions[maxMessageBytes=" + maxMessageBytes + "]";
    }
}
