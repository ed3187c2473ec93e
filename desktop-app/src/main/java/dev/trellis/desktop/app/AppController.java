package dev.trellis.desktop.app;

import dev.trellis.desktop.model.Action;
import dev.trellis.desktop.model.DaemonSnapshot;
import dev.trellis.desktop.model.Preferences;
import dev.trellis.desktop.model.ServerUrls;
import dev.trellis.desktop.platform.UrlOpener;
import dev.trellis.protocol.localapi.BackendState;
import dev.trellis.protocol.localapi.MaskedPrefs;
import dev.trellis.protocol.localapi.Notify;
import dev.trellis.protocol.localapi.Options;
import dev.trellis.protocol.localapi.Prefs;
import dev.trellis.protocol.localapi.client.LocalApi;
import dev.trellis.protocol.localapi.client.LocalApiException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs what the user asks for against trellisd, off the UI thread, one request at a time in click
 * order. Failures go to the error handler as one line saying what to do; nothing is retried
 * behind the user's back.
 *
 * <p>Logging in is a conversation: Log in… starts the daemon and asks it for a login URL; the URL
 * arrives on the notification bus (or in status), and is opened in the browser only while a login
 * the user asked for is pending, so a URL never pops up unasked. The app shows Connected by itself
 * once the daemon reaches Running.
 */
public final class AppController implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(AppController.class.getName());
    /** A login the user asked for is still worth opening a browser for this long. */
    static final Duration LOGIN_WINDOW = Duration.ofMinutes(10);

    /** What the controller needs from the rest of the app. */
    public interface Hooks {
        /** Puts text on the clipboard (any thread; the app hops to the UI thread). */
        void copy(String text);

        void openWindow();

        void openPreferences(String reasonOrNull);

        void quit();

        /** A failed action, one line; null clears an earlier one. */
        void actionError(String messageOrNull);

        /** Asks the watcher for fresh status (after an action). */
        void refresh();
    }

    private final LocalApi api;
    private final UrlOpener opener;
    private final Hooks hooks;
    private final Clock clock;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("trellis-desktop-actions").factory());

    // Guarded by this.
    private DaemonSnapshot latest;
    private Instant loginAskedAt;
    private String lastOpenedUrl;

    public AppController(LocalApi api, UrlOpener opener, Hooks hooks, Clock clock) {
        this.api = Objects.requireNonNull(api);
        this.opener = Objects.requireNonNull(opener);
        this.hooks = Objects.requireNonNull(hooks);
        this.clock = Objects.requireNonNull(clock);
    }

    /** Handles a click; any thread, returns at once. */
    public void perform(Action a) {
        switch (a.kind()) {
            case COPY -> hooks.copy(a.text());
            case OPEN_WINDOW -> hooks.openWindow();
            case PREFERENCES -> hooks.openPreferences(null);
            case QUIT -> hooks.quit();
            case CONNECT -> run("connect", this::connect);
            case DISCONNECT -> run("disconnect", () -> api.editPrefs(MaskedPrefs.builder().wantRunning(false).build()));
            case LOG_IN -> logIn(false);
            case LOG_OUT -> run("log out", api::logout);
        }
    }

    /** The latest snapshot, for decisions (Connect or Log in?) and for a pending login's URL. */
    public void onSnapshot(DaemonSnapshot s) {
        String url = null;
        synchronized (this) {
            latest = s;
            if (s.status() != null) {
                BackendState b = s.status().backendState();
                if (b == BackendState.RUNNING) {
                    loginAskedAt = null;
                } else if (s.status().authUrl() != null && !s.status().authUrl().isEmpty()) {
                    url = s.status().authUrl();
                }
            }
        }
        if (url != null) {
            openLoginUrl(url);
        }
    }

    /** A notification from the bus: a login URL to open, a finished login, an error to show. */
    public void onNotify(Notify n) {
        if (n.loginFinished() || n.state() == BackendState.RUNNING) {
            synchronized (this) {
                loginAskedAt = null;
            }
        }
        if (n.browseToUrl() != null && !n.browseToUrl().isEmpty()) {
            openLoginUrl(n.browseToUrl());
        }
        if (n.errMessage() != null && !n.errMessage().isEmpty()) {
            hooks.actionError("trellisd: " + n.errMessage());
        }
    }

    /** Applies edited preferences that live in the daemon; switching login servers logs in anew. */
    public void applyPreferences(Preferences before, Preferences after) {
        MaskedPrefs.Builder edit = MaskedPrefs.builder();
        boolean any = false;
        if (before.acceptDns() != after.acceptDns()) {
            edit.corpDns(after.acceptDns());
            any = true;
        }
        boolean newServer = !after.loginServer().isEmpty() && !after.loginServer().equals(before.loginServer());
        if (newServer) {
            checkServerUrl(after.loginServer());
            edit.controlUrl(after.loginServer());
            any = true;
        }
        if (any) {
            run("save preferences", () -> api.editPrefs(edit.build()));
        }
        if (newServer) {
            logIn(true);
        }
    }

    /** Throws IllegalArgumentException, saying why, when {@code url} is not an http(s) URL with a host. */
    public static void checkServerUrl(String url) {
        String problem = ServerUrls.problem(url);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    private void connect() throws LocalApiException {
        DaemonSnapshot s;
        synchronized (this) {
            s = latest;
        }
        if (s != null && s.status() != null && s.status().backendState() == BackendState.NEEDS_LOGIN) {
            logIn(false);
            return;
        }
        api.start(new Options(null, Prefs.builder().wantRunning(true).build()));
    }

    /** @param serverJustSet a login server was just sent to the daemon (the snapshot does not show it yet) */
    private void logIn(boolean serverJustSet) {
        DaemonSnapshot s;
        synchronized (this) {
            s = latest;
        }
        String server = s != null && s.prefs() != null ? s.prefs().controlUrl() : null;
        if (!serverJustSet && s != null && s.prefs() != null && (server == null || server.isEmpty())) {
            hooks.openPreferences("Enter your login server (your coordinator's URL), then log in.");
            return;
        }
        synchronized (this) {
            loginAskedAt = clock.instant();
            lastOpenedUrl = null;
        }
        run("log in", () -> {
            api.start(new Options(null, Prefs.builder().wantRunning(true).build()));
            api.loginInteractive();
        });
    }

    private void openLoginUrl(String url) {
        synchronized (this) {
            if (loginAskedAt == null || Duration.between(loginAskedAt, clock.instant()).compareTo(LOGIN_WINDOW) > 0
                    || url.equals(lastOpenedUrl)) {
                return;
            }
            lastOpenedUrl = url;
        }
        try {
            checkServerUrl(url); // the same rule: only http(s) pages are opened, never file: or a command
            opener.open(url);
        } catch (IllegalArgumentException | IOException e) {
            hooks.actionError("Could not open the login page (" + e.getMessage() + "). Open it yourself: " + url);
        }
    }

    private interface Call {
        void run() throws LocalApiException;
    }

    private void run(String what, Call call) {
        worker.execute(() -> {
            try {
                call.run();
                hooks.actionError(null);
            } catch (LocalApiException e) {
                hooks.actionError(Failures.actionMessage(what, e));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, what + " failed", e);
                hooks.actionError("Could not " + what + ": " + e);
            } finally {
                hooks.refresh();
            }
        });
    }

    /** Stops taking actions; one in flight finishes on its own. */
    @Override
    public void close() {
        worker.shutdownNow();
    }
}
