package dev.trellis.protocol.localapi.client;

import dev.trellis.protocol.localapi.MaskedPrefs;
import dev.trellis.protocol.localapi.Options;
import dev.trellis.protocol.localapi.Prefs;
import dev.trellis.protocol.localapi.PingResult;
import dev.trellis.protocol.localapi.Status;
import dev.trellis.protocol.localapi.WhoIsResponse;

/**
 * The LocalAPI calls its clients (the CLI, the desktop app) make, one method per request (see
 * {@link dev.trellis.protocol.localapi.LocalApiPaths}). Every method either returns the daemon's
 * successful answer or throws a {@link LocalApiException} subtype saying why not; none retries.
 */
public interface LocalApi {

    /** {@code GET status}. */
    Status status() throws LocalApiException;

    /** {@code GET status}, the body as the daemon sent it (for {@code status --json}). */
    String statusJson() throws LocalApiException;

    /** {@code GET whois?addr=...}: the node that owns tunnel address {@code addr} ({@code IP} or {@code IP:port}). */
    WhoIsResponse whois(String addr) throws LocalApiException;

    /** {@code GET whois?addr=...}, the body as the daemon sent it (for {@code whois --json}). */
    String whoisJson(String addr) throws LocalApiException;

    /** {@code POST ping?ip=...&type=...}: one ping; a missing pong is a result with its Err set, not an exception. */
    PingResult ping(String ip, String type) throws LocalApiException;

    /** {@code GET metrics}: the daemon's counters, Prometheus text. */
    String metrics() throws LocalApiException;

    /** Runs a netcheck in the daemon (from its WireGuard socket) and returns the report. */
    dev.trellis.protocol.localapi.NetcheckReport netcheck() throws LocalApiException;

    /** The same, as the daemon's JSON text. */
    String netcheckJson() throws LocalApiException;

    /** {@code GET prefs}. */
    Prefs prefs() throws LocalApiException;

    /** {@code PATCH prefs}: applies the flagged fields and returns the resulting prefs. */
    Prefs editPrefs(MaskedPrefs edit) throws LocalApiException;

    /** {@code POST start}: (re)starts the session with these options. */
    void start(Options options) throws LocalApiException;

    /** {@code POST login-interactive}: asks for a login URL, which arrives as a BrowseToURL. */
    void loginInteractive() throws LocalApiException;

    /** {@code POST logout}. */
    void logout() throws LocalApiException;

    /**
     * {@code GET watch-ipn-bus?mask=...}: subscribes to notifications. The caller must close the
     * stream. Notifications the daemon publishes after this returns are not missed.
     *
     * @param mask {@link dev.trellis.protocol.localapi.WatchOpt} bits
     */
    WatchStream watch(long mask) throws LocalApiException;
}
