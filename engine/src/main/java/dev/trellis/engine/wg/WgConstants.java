package dev.trellis.engine.wg;

import java.time.Duration;

/**
 * The protocol's timers and limits (WireGuard whitepaper §6.1, as in wireguard-go). Only
 * {@code rekeyAfterTime} may be shortened, and only for tests, through the environment variable
 * {@code TRELLIS_WG_TEST_REKEY_AFTER_SECONDS}; everything else is fixed by the protocol.
 */
public record WgConstants(Duration rekeyAfterTime) {
    public static final long REKEY_AFTER_MESSAGES = 1L << 60;
    /** 2^64 - 2^13 - 1 as an unsigned value: counters at or past it are never used. */
    public static final long REJECT_AFTER_MESSAGES = 0xFFFF_FFFF_FFFF_DFFEL;
    public static final Duration REJECT_AFTER_TIME = Duration.ofSeconds(180);
    public static final Duration REKEY_ATTEMPT_TIME = Duration.ofSeconds(90);
    public static final Duration REKEY_TIMEOUT = Duration.ofSeconds(5);
    public static final int MAX_TIMER_HANDSHAKES = 90 / 5;
    public static final int REKEY_TIMEOUT_JITTER_MAX_MS = 334;
    public static final Duration KEEPALIVE_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration COOKIE_REFRESH_TIME = Duration.ofSeconds(120);
    /** At most one initiation per peer is processed per this interval (flood guard). */
    public static final Duration HANDSHAKE_INITIATION_RATE = Duration.ofMillis(20);
    public static final int PADDING_MULTIPLE = 16;

    public static final WgConstants DEFAULT = new WgConstants(Duration.ofSeconds(120));

    /** Constants with a different rekey interval (tests only; 1 s to 120 s). */
    public static WgConstants of(Duration rekeyAfterTime) {
        if (rekeyAfterTime.compareTo(Duration.ofSeconds(1)) < 0 || rekeyAfterTime.compareTo(Duration.ofSeconds(120)) > 0) {
            throw new IllegalArgumentException("rekey interval must be from 1 s to 120 s");
        }
        return new WgConstants(rekeyAfterTime);
    }

    /** The defaults, with the test override of the rekey interval applied when set. */
    public static WgConstants fromEnvironment() {
        String v = System.getenv("TRELLIS_WG_TEST_REKEY_AFTER_SECONDS");
        if (v == null || v.isBlank()) {
            return DEFAULT;
        }
        try {
            long s = Long.parseLong(v.strip());
            if (s < 1 || s > 120) {
                throw new NumberFormatException();
            }
            return new WgConstants(Duration.ofSeconds(s));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "TRELLIS_WG_TEST_REKEY_AFTER_SECONDS must be a whole number of seconds from 1 to 120");
        }
    }

    public long rekeyAfterNanos() {
        return rekeyAfterTime.toNanos();
    }

    /**
     * When a receiver that initiated the current session should start a new handshake: in time
     * to finish before the session is rejected (whitepaper §6.2).
     */
    public long rejectSoonNanos() {
        return REJECT_AFTER_TIME.minus(KEEPALIVE_TIMEOUT).minus(REKEY_TIMEOUT).toNanos();
    }
}
