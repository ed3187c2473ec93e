package dev.trellis.cli;

import dev.trellis.protocol.localapi.client.LocalApi;
import dev.trellis.protocol.localapi.client.LocalApiException;
import dev.trellis.protocol.localapi.client.LocalApiTimeoutException;
import dev.trellis.protocol.localapi.client.WatchStream;
import dev.trellis.protocol.localapi.BackendState;
import dev.trellis.protocol.localapi.Notify;
import dev.trellis.protocol.localapi.Options;
import dev.trellis.protocol.localapi.Status;
import dev.trellis.protocol.localapi.WatchOpt;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;

/**
 * {@code up} and {@code login}: start the session and follow the notification bus until the
 * node is Running, as {@code tailscale up} does.
 *
 * <p>Order matters. The watch is opened, and its first message (the current state, which the
 * daemon sends once the subscription is registered) read, before {@code start}, so that no
 * notification caused by start or login-interactive can be missed. The state in that first
 * message predates start and decides nothing.
 */
final class LoginFlow {
    static final long WATCH_MASK = WatchOpt.mask(WatchOpt.INITIAL_STATE, WatchOpt.INITIAL_PREFS);

    private final LocalApi api;
    private final PrintWriter err;
    private final Browser browser;
    private final Duration timeout;
    private final long deadline;

    /**
     * @param browser opens login URLs, or null to only print them
     * @param timeout how long to wait for Running in total; zero waits without limit
     */
    LoginFlow(LocalApi api, PrintWriter err, Browser browser, Duration timeout) {
        this.api = api;
        this.err = err;
        this.browser = browser;
        this.timeout = timeout.isZero() ? null : timeout;
        this.deadline = System.nanoTime() + (this.timeout == null ? 0 : this.timeout.toNanos());
    }

    /**
     * Starts with {@code options} and waits for Running.
     *
     * @param alwaysInteractive ask for a login URL even if the node has a key ({@code login});
     *     without an auth key, {@code up} asks only when the node has none or the daemon says
     *     NeedsLogin
     */
    void run(Options options, boolean alwaysInteractive) throws LocalApiException, CliException {
        boolean withKey = options.authKey() != null;
        Status before = api.status();
        BackendState last = before.backendState();
        try (WatchStream bus = api.watch(WATCH_MASK)) {
            next(bus, last);
            api.start(options);
            boolean loginRequested = false;
            if (!withKey && (alwaysInteractive || !before.haveNodeKey())) {
                api.loginInteractive();
                loginRequested = true;
            }
            boolean printedUrl = false;
            String lastUrl = null;
            boolean toldApproval = false;
            while (true) {
                Notify n = next(bus, last);
                if (n.errMessage() != null && !n.errMessage().isEmpty()) {
                    Failures.Failure f = Failures.forDaemonError(n.errCode(), n.errMessage());
                    throw new CliException(f.code(), f.message());
                }
                if (n.state() != null) {
                    last = n.state();
                    switch (last) {
                        case RUNNING -> {
                            if (printedUrl) {
                                err.println("Success.");
                            }
                            return;
                        }
                        case NEEDS_LOGIN -> {
                            if (!withKey && !loginRequested) {
                                api.loginInteractive();
                                loginRequested = true;
                            }
                        }
                        case NEEDS_MACHINE_AUTH -> {
                            if (!toldApproval) {
                                err.println("Logged in; waiting for an administrator to approve this node "
                                        + "on the coordinator.");
                                toldApproval = true;
                            }
                        }
                        default -> { }
                    }
                }
                String url = n.browseToUrl();
                // With an auth key a URL can only be left over from an unfinished interactive login.
                if (url != null && !url.isEmpty() && !withKey && !url.equals(lastUrl)) {
                    lastUrl = url;
                    String safe = checkedUrl(url);
                    err.print("To authenticate, visit:\n\n\t" + safe + "\n\n");
                    err.flush();
                    printedUrl = true;
                    if (browser != null) {
                        browser.open(safe);
                    }
                }
            }
        }
    }

    private Notify next(WatchStream bus, BackendState last) throws LocalApiException, CliException {
        Duration left = null;
        if (timeout != null) {
            left = Duration.ofNanos(deadline - System.nanoTime());
            if (left.isNegative() || left.isZero()) {
                throw timedOut(last);
            }
        }
        try {
            return bus.next(left);
        } catch (LocalApiTimeoutException e) {
            if (timeout == null) {
                throw e;
            }
            throw timedOut(last);
        }
    }

    private CliException timedOut(BackendState last) {
        return new CliException(ExitCode.TIMEOUT, "timed out after " + GoDuration.format(timeout)
                + " waiting for trellisd to reach Running (state: " + last.tailscaleName()
                + "): check `trellis status`, or raise --timeout");
    }

    /** The URL if it is a printable http(s) URL; anything else is not shown or opened. */
    static String checkedUrl(String url) throws CliException {
        boolean printable = url.length() <= 2048 && url.chars().allMatch(c -> c > ' ' && c < 0x7f);
        try {
            URI u = new URI(url);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (printable && (scheme.equals("https") || scheme.equals("http")) && u.getHost() != null) {
                return url;
            }
        } catch (URISyntaxException e) {
            // refused below
        }
        throw new CliException(ExitCode.ERROR,
                "trellisd sent a login URL that is not a plain http(s) URL; not showing it: check trellisd's login server");
    }
}
