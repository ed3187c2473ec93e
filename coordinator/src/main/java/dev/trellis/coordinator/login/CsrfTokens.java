package dev.trellis.coordinator.login;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * CSRF tokens for the local login form: HMAC-SHA256, under a key that lives as long as this
 * process, of the auth request id and the browser's {@link Cookies#CSRF} cookie. A token is thus
 * good for one login link in one browser, and needs no server-side state. (After a restart, or
 * at another coordinator process, the form must be loaded again.)
 */
final class CsrfTokens {
    private final SecretKeySpec key;

    CsrfTokens() {
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        this.key = new SecretKeySpec(raw, "HmacSHA256");
    }

    String token(String requestId, String browserCookie) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac(requestId, browserCookie));
    }

    /** True if {@code token} was made by {@link #token} for this request and cookie; constant time. */
    boolean check(String requestId, String browserCookie, String token) {
        if (token == null || browserCookie == null || token.length() != 43) {
            return false;
        }
        byte[] presented;
        try {
            presented = Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(presented, mac(requestId, browserCookie));
    }

    private byte[] mac(String requestId, String browserCookie) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            // Both parts are [A-Za-z0-9_-]; the separator keeps them from running together.
            return mac.doFinal(("trellis-login-csrf\n" + requestId + "\n" + browserCookie)
                    .getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
