package dev.trellis.engine.portmap;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link PortMapper} talks to its gateway.
 *
 * @param serverPort the gateway's PCP/NAT-PMP port (5351; tests use a fake server's)
 * @param lifetime the lifetime asked for; the mapping is renewed at half of what is granted
 * @param firstTimeout the wait for the first answer; each retransmission waits twice as long
 *     (RFC 6886 §3.1 starts at 250 ms)
 * @param tries how many requests one exchange sends before it gives up
 * @param retryAfterFailure the pause after no gateway, no answer or a refusal: a network without a
 *     port-mapping gateway gets at most one probe per this interval
 */
public record PortMapOptions(int serverPort, Duration lifetime, Duration firstTimeout, int tries,
        Duration retryAfterFailure) {
    public static final int SERVER_PORT = 5351;
    /** Two hours, as Tailscale asks; four tries wait 0.25 + 0.5 + 1 + 2 s; five minutes between probes. */
    public static final PortMapOptions DEFAULT = new PortMapOptions(SERVER_PORT, Duration.ofHours(2),
            Duration.ofMillis(250), 4, Duration.ofMinutes(5));

    public PortMapOptions {
        Objects.requireNonNull(lifetime, "lifetime");
        Objects.requireNonNull(firstTimeout, "firstTimeout");
        Objects.requireNonNull(retryAfterFailure, "retryAfterFailure");
        if (serverPort < 1 || serverPort > 65535) {
            throw new IllegalArgumentException("serverPort must be 1..65535: " + serverPort);
        }
        if (lifetime.toSeconds() < 2 || lifetime.toSeconds() > 0xffffffffL) {
            throw new IllegalArgumentException("lifetime must be 2 s .. 2^32-1 s: " + lifetime);
        }
        if (firstTimeout.toMillis() < 1 || tries < 1 || tries > 9) {
            throw new IllegalArgumentException("firstTimeout must be at least 1 ms and tries 1..9: "
                    + firstTimeout + ", " + tries);
        }
        if (retryAfterFailure.toMillis() < 1) {
            throw new IllegalArgumentException("retryAfterFailure must be positive: " + retryAfterFailure);
        }
    }
}
