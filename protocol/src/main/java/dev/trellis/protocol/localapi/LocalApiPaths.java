package dev.trellis.protocol.localapi;

/**
 * The LocalAPI's socket, host name and paths, as Tailscale's {@code ipn/localapi} names them.
 * Every request and reply body is JSON (see {@link LocalApiJson}); a failed request gets an HTTP
 * error status and an {@link ErrorResponse} body.
 *
 * <pre>
 * GET   status            → 200 {@link Status}         ({@code ?peers=false} leaves Peer out)
 * GET   prefs             → 200 {@link Prefs}
 * PATCH prefs             ← {@link MaskedPrefs}  → 200 {@link Prefs} (the new prefs)
 * POST  start             ← {@link Options}      → 204
 * POST  login-interactive                      → 204; a BrowseToURL follows on the bus
 * POST  logout                                 → 204
 * POST  ping?ip=IP&type=ICMP → 200 {@link PingResult} (also when there was no pong: see its Err);
 *                              400 for a bad ip or an unsupported type; 404 when no node has the ip
 * GET   metrics           → 200 text/plain: the data plane's counters in Prometheus text format
 *                              (packet filter accepts per rule and drops per reason, WireGuard, DNS)
 * GET   watch-ipn-bus?mask=N → 200, then one {@link Notify} JSON object per line, for as long
 *                              as the client keeps the response open (chunked)
 * GET   whois?addr=IP[:port] → 200 {@link WhoIsResponse}; 404 when no node has the address,
 *                              400 when addr is not an address
 * </pre>
 */
public final class LocalApiPaths {
    private LocalApiPaths() {}

    /** Where trellisd listens unless told otherwise. */
    public static final String DEFAULT_SOCKET = "/var/run/trellis/trellisd.sock";

    /**
     * The Host header clients send. It is Tailscale's ({@code apitype.LocalAPIHost}) so that a
     * server accepting Tailscale's clients accepts ours; a server must also accept an empty Host.
     */
    public static final String HOST = "local-tailscaled.sock";

    public static final String PREFIX = "/localapi/v0/";
    public static final String STATUS = PREFIX + "status";
    public static final String PREFS = PREFIX + "prefs";
    public static final String START = PREFIX + "start";
    public static final String LOGIN_INTERACTIVE = PREFIX + "login-interactive";
    public static final String LOGOUT = PREFIX + "logout";
    public static final String WATCH_IPN_BUS = PREFIX + "watch-ipn-bus";
    /** The node's counters, Prometheus text. */
    public static final String METRICS = PREFIX + "metrics";
    /** Runs a netcheck now and answers a {@link NetcheckReport}. */
    public static final String NETCHECK = PREFIX + "netcheck";
    /** One ping: {@code ?ip=IP&type=disco} (the peer's paths) or {@code type=ICMP} (through the tunnel). */
    public static final String PING = PREFIX + "ping";
    /** Who owns a tailnet address: {@code ?addr=IP} or {@code ?addr=IP:port} ({@code [v6]:port}). */
    public static final String WHOIS = PREFIX + "whois";

    /** The request target for one ping of {@code ip} of kind {@code type} (e.g. {@code ICMP}). */
    public static String ping(String ip, String type) {
        return PING + "?ip=" + java.net.URLEncoder.encode(ip, java.nio.charset.StandardCharsets.UTF_8) + "&type="
                + java.net.URLEncoder.encode(type, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The request target for asking who owns {@code addr} (an address, or address and port). */
    public static String whois(String addr) {
        return WHOIS + "?addr=" + java.net.URLEncoder.encode(addr, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The request target for watching the bus with {@code mask} (see {@link WatchOpt}). */
    public static String watchIpnBus(long mask) {
        return WATCH_IPN_BUS + "?mask=" + Long.toUnsignedString(mask);
    }
}
