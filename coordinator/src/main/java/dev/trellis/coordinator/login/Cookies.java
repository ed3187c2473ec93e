package dev.trellis.coordinator.login;

import dev.trellis.protocol.http.HttpExchange;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The login pages' browser cookies: random, HttpOnly values that tie a form or an OIDC round
 * trip to the browser that started it. Only values of the form we issue are read back.
 */
final class Cookies {
    /** Ties the local login form's CSRF token to the browser. */
    static final String CSRF = "trellis_csrf";
    /** Ties an OIDC state to the browser that was sent to the provider. */
    static final String OIDC = "trellis_oidc";
    private static final Pattern VALUE = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final int MAX_COOKIE_HEADER = 8 * 1024;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Cookies() {}

    /** 32 random bytes, base64url: the form of every value we set. */
    static String newValue() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The value of our cookie {@code name} the browser sent, if it has our form. */
    static Optional<String> get(HttpExchange exchange, String name) {
        for (String header : exchange.requestHeaders().all("Cookie")) {
            if (header.length() > MAX_COOKIE_HEADER) {
                continue;
            }
            for (String pair : header.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).strip().equals(name)) {
                    String value = pair.substring(eq + 1).strip();
                    if (VALUE.matcher(value).matches()) {
                        return Optional.of(value);
                    }
                }
            }
        }
        return Optional.empty();
    }

    /**
     * A Set-Cookie value. {@code sameSite} Strict for the form (it posts to its own origin) and
     * Lax for OIDC (the provider's redirect back is a cross-site navigation, which Strict would
     * strip of the cookie). Secure when the coordinator is reached over https.
     */
    static String set(String name, String value, String path, String sameSite, boolean secure, Duration maxAge) {
        return name + "=" + value + "; Path=" + path + "; Max-Age=" + maxAge.toSeconds() + "; HttpOnly; SameSite="
                + sameSite + (secure ? "; Secure" : "");
    }
}
