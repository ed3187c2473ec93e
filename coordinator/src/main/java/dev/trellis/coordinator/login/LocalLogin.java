package dev.trellis.coordinator.login;

import dev.trellis.coordinator.store.AuthRequest;
import dev.trellis.coordinator.store.Store;
import dev.trellis.coordinator.store.User;
import dev.trellis.protocol.http.HttpExchange;
import dev.trellis.protocol.http.HttpResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The coordinator's own login form for local users. A post must carry the CSRF token of the
 * form (bound to the login link and the browser's cookie); failed logins are limited per login
 * link and per remote address; a wrong user name costs the same Argon2id work as a wrong
 * password, so the timing does not tell which user names exist.
 */
final class LocalLogin {
    private static final System.Logger LOG = System.getLogger("trellis.coordinator.login");
    static final int MAX_FAILURES_PER_LINK = 10;
    /**
     * Higher than per link: behind a reverse proxy every user shares the proxy's address, and
     * this limit must not lock them all out for one person's typos.
     */
    static final int MAX_FAILURES_PER_ADDRESS = 30;
    static final Duration FAILURE_WINDOW = Duration.ofMinutes(1);
    static final String INVALID = "Invalid username or password.";
    private static final int MAX_USERNAME = 255;
    /** Argon2id at 19 MiB each: at most this many at once, so a flood of posts can't exhaust memory. */
    private static final int HASH_SLOTS = 2;
    private static final Duration HASH_WAIT = Duration.ofSeconds(10);
    private static final Duration CSRF_COOKIE_AGE = Duration.ofHours(1);

    /** Completes the login once the password checked out. */
    @FunctionalInterface
    interface Completion {
        HttpResponse complete(String requestId, User user, AuthRequest request) throws LoginError;
    }

    private final Store store;
    private final PasswordHasher hasher;
    private final CsrfTokens csrf = new CsrfTokens();
    private final FailureLimiter perLink;
    private final FailureLimiter perAddress;
    private final Semaphore hashSlots = new Semaphore(HASH_SLOTS, true);
    private final String cookiePath;
    private final boolean secureCookies;
    /** Checked when the user does not exist, so that costs the same as a wrong password. */
    private final String dummyHash;

    LocalLogin(Store store, PasswordHasher hasher, Clock clock, String cookiePath, boolean secureCookies) {
        this.store = store;
        this.hasher = hasher;
        this.cookiePath = cookiePath;
        this.secureCookies = secureCookies;
        this.perLink = new FailureLimiter(MAX_FAILURES_PER_LINK, FAILURE_WINDOW, 10_000, clock);
        this.perAddress = new FailureLimiter(MAX_FAILURES_PER_ADDRESS, FAILURE_WINDOW, 10_000, clock);
        char[] random = Cookies.newValue().toCharArray();
        this.dummyHash = hasher.hash(random);
        Arrays.fill(random, '\0');
    }

    /** The empty form for a pending request. */
    HttpResponse form(HttpExchange exchange, AuthRequest request) {
        Optional<String> existing = Cookies.get(exchange, Cookies.CSRF);
        String browser = existing.orElseGet(Cookies::newValue);
        return Pages.loginForm(200, request.hostname(), csrf.token(request.id(), browser), null, null,
                List.of(cookie(browser)));
    }

    /** Checks a posted form; completes the login through {@code completion} or shows the form again. */
    HttpResponse post(HttpExchange exchange, AuthRequest request, Completion completion) throws LoginError, IOException {
        Map<String, String> form = FormBody.parse(readForm(exchange));
        String token = required(form, "csrf");
        String username = required(form, "username");
        String password = required(form, "password");
        String browser = Cookies.get(exchange, Cookies.CSRF).orElseThrow(() -> new LoginError(403, "Cookie missing",
                "Your browser did not send back the login page's cookie, which protects this form.",
                "Allow cookies for this site, then open the login link from the device again."));
        if (!csrf.check(request.id(), browser, token)) {
            throw new LoginError(403, "Form out of date",
                    "This form is out of date or did not come from this login page.",
                    "Open the login link from the device again and log in there.");
        }
        String linkKey = request.id();
        String addressKey = address(exchange);
        long wait = Math.max(perLink.blockedForSeconds(linkKey), perAddress.blockedForSeconds(addressKey));
        if (wait > 0) {
            throw new LoginError(429, "Too many attempts",
                    "Too many wrong passwords were tried for this login link or from your address.",
                    "Wait " + wait + " seconds, then try again.", wait);
        }
        Optional<User> user = authenticate(username, password);
        if (user.isEmpty()) {
            perLink.recordFailure(linkKey);
            perAddress.recordFailure(addressKey);
            LOG.log(Level.INFO, "failed local login as \"" + OidcLogin.safe(username) + "\" from " + addressKey
                    + " for node " + Pages.device(request.hostname()));
            return Pages.loginForm(401, request.hostname(), csrf.token(request.id(), browser), username, INVALID,
                    List.of());
        }
        return completion.complete(request.id(), user.get(), request);
    }

    private Optional<User> authenticate(String username, String password) throws LoginError {
        char[] secret = password.toCharArray();
        try {
            if (!hashSlots.tryAcquire(HASH_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new LoginError(503, "Busy", "The coordinator is busy checking other logins.",
                        "Try again in a few seconds.", 5);
            }
            try {
                Optional<User> user = username.isEmpty() || username.length() > MAX_USERNAME ? Optional.empty()
                        : store.userByName(username).filter(u -> u.isLocal() && u.passwordHash() != null);
                if (user.isEmpty()) {
                    hasher.verify(dummyHash, secret);
                    return Optional.empty();
                }
                if (!matches(user.get(), secret)) {
                    return Optional.empty();
                }
                if (hasher.needsRehash(user.get().passwordHash())) {
                    LOG.log(Level.INFO, "user " + user.get().name() + "'s password hash is weaker than today's"
                            + " parameters; setting the password again will upgrade it");
                }
                return user;
            } finally {
                hashSlots.release();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LoginError(503, "Busy", "The coordinator is shutting down.", "Try again in a moment.");
        } finally {
            Arrays.fill(secret, '\0');
        }
    }

    private boolean matches(User user, char[] secret) {
        try {
            return hasher.verify(user.passwordHash(), secret);
        } catch (IllegalArgumentException e) {
            LOG.log(Level.WARNING, "user " + user.name() + " has an unreadable password hash (" + e.getMessage()
                    + "); set their password again");
            hasher.verify(dummyHash, secret);
            return false;
        }
    }

    private static byte[] readForm(HttpExchange exchange) throws LoginError, IOException {
        String type = exchange.requestHeaders().first("Content-Type").orElse("");
        if (!type.toLowerCase(Locale.ROOT).strip().startsWith("application/x-www-form-urlencoded")) {
            throw new LoginError(415, "Unsupported form", "The login form must be sent as"
                    + " application/x-www-form-urlencoded, as a browser sends it.",
                    "Open the login link from the device in a web browser.");
        }
        Optional<String> declared = exchange.requestHeaders().first("Content-Length");
        if (declared.isPresent()) {
            try {
                if (Long.parseLong(declared.get().strip()) > FormBody.MAX_BYTES) {
                    throw FormBody.tooLarge(); // refused before reading it
                }
            } catch (NumberFormatException e) {
                // The server's parser has already refused malformed lengths; nothing to add.
            }
        }
        return exchange.body();
    }

    private static String required(Map<String, String> form, String field) throws LoginError {
        String value = form.get(field);
        if (value == null) {
            throw LoginError.badRequest("The login form is missing its " + field + " field.");
        }
        return value;
    }

    private static String address(HttpExchange exchange) {
        if (exchange.remoteAddress() instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return String.valueOf(exchange.remoteAddress());
    }

    private String cookie(String value) {
        return Cookies.set(Cookies.CSRF, value, cookiePath, "Strict", secureCookies, CSRF_COOKIE_AGE);
    }
}
