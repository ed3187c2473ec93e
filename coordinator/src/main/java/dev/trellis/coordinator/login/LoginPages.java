package dev.trellis.coordinator.login;

import dev.trellis.coordinator.store.AuthCompletion;
import dev.trellis.coordinator.store.AuthRequest;
import dev.trellis.coordinator.store.Store;
import dev.trellis.coordinator.store.User;
import dev.trellis.coordinator.tailnet.Tailnet;
import dev.trellis.protocol.http.HttpExchange;
import dev.trellis.protocol.http.HttpResponse;
import dev.trellis.protocol.http.HttpStatusException;
import dev.trellis.protocol.http.Router;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The web pages behind an auth URL ({@code <serverUrl>/register/<id>}): a person opens it, logs
 * in, and the node waiting on it is authorized ({@link Tailnet#completeLogin}) without further
 * action.
 *
 * <ul>
 * <li>{@code GET /register/<id>}: with OIDC, a 302 to the provider (code flow, PKCE S256, state
 *     and nonce); otherwise the local login form.
 * <li>{@code POST /register/<id>} (local login only): checks the form and the password; on
 *     success a 303 to the success page, else the form again with 401.
 * <li>{@code GET /oidc/callback}: the provider's answer; state, code exchange and ID token are
 *     checked, the user found or created, and then a 303 to the success page.
 * <li>{@code GET /register/<id>/done}: "Logged in. <host> is now connected". Redirecting there
 *     (post/redirect/get) means a reload never posts a password or a code again.
 * </ul>
 * Every failure is an HTML page with a fitting status that says what to do next. Responses are
 * never cached or framed and run no script.
 */
public final class LoginPages {
    private static final System.Logger LOG = System.getLogger("trellis.coordinator.login");
    static final String REGISTER = "/register/";
    static final String DONE = "/done";
    static final String CALLBACK = "/" + LoginConfig.Oidc.CALLBACK_PATH;
    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9]{1,64}");
    private static final int MAX_CODE = 4096;

    private final Tailnet tailnet;
    private final Store store;
    private final Clock clock;
    private final LocalLogin local;
    private final OidcLogin oidc;
    private final boolean secureCookies;

    /** Local login, or OIDC discovered now; Argon2id with {@link PasswordHasher.Parameters#OWASP}. */
    public LoginPages(Tailnet tailnet, LoginConfig config) {
        this(tailnet, config, new PasswordHasher(), Clock.systemUTC());
    }

    /**
     * @param hasher checks local users' passwords (hashes of any parameters are accepted)
     * @param clock  for login link, state and rate-limit expiry: the Tailnet's clock
     * @throws LoginSetupException if OIDC is configured and its provider can't be used
     */
    public LoginPages(Tailnet tailnet, LoginConfig config, PasswordHasher hasher, Clock clock) {
        this.tailnet = Objects.requireNonNull(tailnet, "tailnet");
        this.store = tailnet.store();
        this.clock = Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(config, "config");
        URI server = tailnet.config().serverUrl();
        this.secureCookies = "https".equalsIgnoreCase(server.getScheme());
        if (config.usesOidc()) {
            this.oidc = OidcLogin.discover(config.oidc(), clock);
            this.local = null;
        } else {
            this.oidc = null;
            this.local = new LocalLogin(store, Objects.requireNonNull(hasher, "hasher"), clock,
                    URI.create(tailnet.config().authUrl("")).getRawPath(), secureCookies);
        }
    }

    /** Adds the login routes to {@code router} and returns it. */
    public Router routes(Router router) {
        router.prefix("GET", REGISTER, exchange -> serve(exchange, () -> get(exchange)));
        if (local != null) {
            router.prefix("POST", REGISTER, exchange -> serve(exchange, () -> post(exchange)));
        }
        router.route("GET", CALLBACK, exchange -> serve(exchange, () -> callback(exchange)));
        return router;
    }

    // ---- handlers

    private HttpResponse get(HttpExchange exchange) throws LoginError {
        String path = exchange.path().substring(REGISTER.length());
        if (path.endsWith(DONE)) {
            return done(requestId(path.substring(0, path.length() - DONE.length())));
        }
        AuthRequest request = pending(requestId(path));
        if (oidc == null) {
            return local.form(exchange, request);
        }
        String browser = Cookies.get(exchange, Cookies.OIDC).orElseGet(Cookies::newValue);
        URI provider = oidc.authorizationUrl(request.id(), browser);
        return Pages.redirect(302, provider.toString(), List.of(Cookies.set(Cookies.OIDC, browser,
                oidc.config().redirectUri().getRawPath(), "Lax", secureCookies, OidcLogin.STATE_TTL)));
    }

    private HttpResponse post(HttpExchange exchange) throws LoginError, IOException {
        AuthRequest request = pending(requestId(exchange.path().substring(REGISTER.length())));
        return local.post(exchange, request, this::complete);
    }

    private HttpResponse callback(HttpExchange exchange) throws LoginError {
        if (oidc == null) {
            throw new LoginError(404, "OpenID Connect is off",
                    "This coordinator logs users in with its own login page, not through an identity provider.",
                    Pages.NEXT_STEP);
        }
        Optional<String> error = exchange.query("error");
        Optional<String> state = exchange.query("state");
        String browser = Cookies.get(exchange, Cookies.OIDC).orElse(null);
        if (error.isPresent()) {
            state.ifPresent(s -> {
                try {
                    oidc.take(s, browser); // used up either way
                } catch (LoginError ignored) {
                    // the provider's refusal is the news
                }
            });
            throw OidcLogin.providerRefused(error.get(), exchange.query("error_description").orElse(null));
        }
        if (state.isEmpty()) {
            throw LoginError.badRequest("The identity provider's answer carries no state.");
        }
        OidcStates.Pending login = oidc.take(state.get(), browser);
        AuthRequest request = pending(login.requestId());
        String code = exchange.query("code").orElse("");
        if (code.isBlank() || code.length() > MAX_CODE) {
            throw LoginError.badRequest("The identity provider's answer carries no usable authorization code.");
        }
        OidcUsers.Identity identity = oidc.exchange(login, code);
        if (!oidc.config().allows(identity.subject(), identity.email(), identity.emailVerified())) {
            LOG.log(Level.INFO, "OIDC user " + OidcLogin.safe(identity.email()) + " (sub "
                    + OidcLogin.safe(identity.subject()) + ") is on no allow-list; refused");
            String who = identity.email() != null ? identity.email() : identity.subject();
            throw new LoginError(403, "Not allowed",
                    "Your account " + OidcLogin.safe(who) + " is not allowed to join this network"
                            + (identity.email() != null && !identity.emailVerified()
                                    ? " (the identity provider has not verified its email address)." : "."),
                    "Ask the network's administrator to allow your account, or log in with another one.");
        }
        User user;
        try {
            user = OidcUsers.findOrCreate(store, identity);
        } catch (IllegalArgumentException e) {
            LOG.log(Level.WARNING, "OIDC identity unusable as a user: " + e.getMessage());
            throw new LoginError(502, "Unusable account", "The identity provider sent an account this coordinator"
                    + " can't store (" + e.getMessage() + ").", "Ask the network's administrator.");
        }
        return complete(login.requestId(), user, request);
    }

    private HttpResponse done(String id) throws LoginError {
        AuthRequest request = store.authRequestById(id).orElseThrow(LoginError::unknownRequest);
        if (request.isCompleted()) {
            return Pages.success(request.hostname());
        }
        if (request.expiredAt(clock.instant())) {
            throw LoginError.expired();
        }
        return Pages.redirect(303, tailnet.config().authUrl(id), List.of()); // not logged in yet
    }

    /** Authorizes the node; the one place a login takes effect. */
    private HttpResponse complete(String requestId, User user, AuthRequest request) throws LoginError {
        AuthCompletion.Status status = tailnet.completeLogin(requestId, user);
        if (status != AuthCompletion.Status.COMPLETED) {
            throw LoginError.of(status);
        }
        return Pages.redirect(303, tailnet.config().authUrl(requestId) + DONE, List.of());
    }

    // ---- helpers

    private AuthRequest pending(String id) throws LoginError {
        AuthRequest request = store.authRequestById(id).orElseThrow(LoginError::unknownRequest);
        if (request.isCompleted()) {
            throw LoginError.alreadyUsed();
        }
        if (request.expiredAt(clock.instant())) {
            throw LoginError.expired();
        }
        return request;
    }

    private static String requestId(String text) throws LoginError {
        if (!REQUEST_ID.matcher(text).matches()) {
            throw LoginError.unknownRequest();
        }
        return text;
    }

    @FunctionalInterface
    private interface Page {
        HttpResponse render() throws LoginError, IOException;
    }

    /** Runs a handler and answers with its page, or with the error page for whatever went wrong. */
    private static void serve(HttpExchange exchange, Page page) throws IOException {
        HttpResponse response;
        try {
            response = page.render();
        } catch (LoginError e) {
            LOG.log(e.status() >= 500 ? Level.WARNING : Level.INFO, "login page " + exchange.method() + " "
                    + redactedPath(exchange) + ": " + e.status() + " " + e.getMessage());
            response = Pages.error(e, List.of());
        } catch (HttpStatusException e) {
            // The server refused the body (too large, malformed chunks): say so on a page.
            response = Pages.error(new LoginError(e.status(), "Bad request", e.getMessage().strip(),
                    "Open the login link from the device again and retry."), List.of());
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "login page " + exchange.method() + " " + redactedPath(exchange) + " failed", e);
            response = Pages.error(new LoginError(500, "Something went wrong",
                    "The coordinator could not finish the login because of an internal error; it has been logged.",
                    Pages.NEXT_STEP), List.of());
        }
        exchange.respond(response);
    }

    /** The path without the login link's id, which is a bearer token for the login. */
    private static String redactedPath(HttpExchange exchange) {
        String path = exchange.path();
        return path.startsWith(REGISTER) ? REGISTER + "…" + (path.endsWith(DONE) ? DONE : "") : path;
    }
}
