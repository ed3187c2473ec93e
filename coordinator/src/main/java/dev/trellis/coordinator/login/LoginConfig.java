package dev.trellis.coordinator.login;

import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How users log in at an auth URL: with a local user's password on the coordinator's own page
 * (the default, {@link #local()}), or at an OpenID Connect provider ({@link #oidc(Oidc)}).
 *
 * @param oidc the provider; null for local login
 */
public record LoginConfig(Oidc oidc) {

    /** The coordinator's own login page with local users. */
    public static LoginConfig local() {
        return new LoginConfig(null);
    }

    public static LoginConfig oidc(Oidc oidc) {
        if (oidc == null) {
            throw new IllegalArgumentException("oidc must not be null; use LoginConfig.local() for local login");
        }
        return new LoginConfig(oidc);
    }

    public boolean usesOidc() {
        return oidc != null;
    }

    /**
     * An OpenID Connect provider, used with the authorization code flow, PKCE (S256) and the
     * client secret at the token endpoint (HTTP Basic, or in the form if the provider offers only
     * that).
     *
     * @param issuer         the provider's issuer URL; its {@code .well-known/openid-configuration}
     *                       is read at start. https, or http on a loopback address (for tests)
     * @param clientId       this coordinator's client id at the provider
     * @param clientSecret   its client secret; never printed by {@link #toString()}
     * @param scopes         requested scopes; must include {@code openid}
     * @param allowedDomains if not empty, only users whose verified email is in one of these
     *                       domains (exactly; lowercase) may log in
     * @param allowedUsers   if not empty, only these users may log in: verified email addresses
     *                       (any case) or subjects ({@code sub}, exactly). With both lists set, a
     *                       user on either list may log in
     * @param redirectUri    where the provider sends the browser back: {@code <serverUrl>/oidc/callback},
     *                       which must be registered at the provider
     */
    public record Oidc(URI issuer, String clientId, String clientSecret, List<String> scopes,
            List<String> allowedDomains, List<String> allowedUsers, URI redirectUri) {
        public static final List<String> DEFAULT_SCOPES = List.of("openid", "profile", "email");
        /** The callback's path below the server URL. */
        public static final String CALLBACK_PATH = "oidc/callback";
        private static final Pattern SCOPE = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,128}");
        private static final Pattern DOMAIN = Pattern.compile(
                "(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");

        public Oidc {
            issuer = checkIssuer(issuer);
            clientId = text(clientId, "OIDC client id");
            clientSecret = text(clientSecret, "OIDC client secret");
            scopes = List.copyOf(scopes);
            if (!scopes.contains("openid")) {
                throw new IllegalArgumentException("OIDC scopes must include openid, got " + scopes);
            }
            for (String s : scopes) {
                if (!SCOPE.matcher(s).matches()) {
                    throw new IllegalArgumentException("OIDC scope is not a scope token: \"" + s + "\"");
                }
            }
            allowedDomains = domains(allowedDomains);
            allowedUsers = List.copyOf(allowedUsers);
            for (String u : allowedUsers) {
                text(u, "each allowed user");
            }
            if (redirectUri == null || !redirectUri.isAbsolute() || redirectUri.getHost() == null
                    || !(redirectUri.getScheme().equals("https") || redirectUri.getScheme().equals("http"))) {
                throw new IllegalArgumentException("OIDC redirect URI must be an absolute http(s) URL, got " + redirectUri);
            }
        }

        /** Default scopes, no allow-lists, and the callback under {@code serverUrl}. */
        public static Oidc of(URI issuer, String clientId, String clientSecret, URI serverUrl) {
            return new Oidc(issuer, clientId, clientSecret, DEFAULT_SCOPES, List.of(), List.of(),
                    callbackUri(serverUrl));
        }

        /** {@code <serverUrl>/oidc/callback}, the redirect URI to register at the provider. */
        public static URI callbackUri(URI serverUrl) {
            if (serverUrl == null) {
                throw new IllegalArgumentException("server URL must not be null");
            }
            String base = serverUrl.toString();
            return URI.create((base.endsWith("/") ? base : base + "/") + CALLBACK_PATH);
        }

        public Oidc withScopes(List<String> newScopes) {
            return new Oidc(issuer, clientId, clientSecret, newScopes, allowedDomains, allowedUsers, redirectUri);
        }

        public Oidc withAllowedDomains(List<String> domains) {
            return new Oidc(issuer, clientId, clientSecret, scopes, domains, allowedUsers, redirectUri);
        }

        public Oidc withAllowedUsers(List<String> users) {
            return new Oidc(issuer, clientId, clientSecret, scopes, allowedDomains, users, redirectUri);
        }

        /** True if neither allow-list is set: everyone the provider authenticates may log in. */
        public boolean allowsEveryone() {
            return allowedDomains.isEmpty() && allowedUsers.isEmpty();
        }

        /**
         * Whether a user may log in, given their {@code sub} and their email (null if none) and
         * whether the provider vouched for it ({@code email_verified} true): an unverified address
         * matches no allow-list, since anyone could have typed it.
         */
        public boolean allows(String subject, String email, boolean emailVerified) {
            if (allowsEveryone() || allowedUsers.contains(subject)) {
                return true;
            }
            if (email == null || !emailVerified) {
                return false;
            }
            for (String u : allowedUsers) {
                if (u.equalsIgnoreCase(email)) {
                    return true;
                }
            }
            int at = email.lastIndexOf('@');
            return at > 0 && allowedDomains.contains(email.substring(at + 1).toLowerCase(Locale.ROOT));
        }

        /** Leaves the client secret out: configurations end up in logs. */
        @Override
        public String toString() {
            return "Oidc[issuer=" + issuer + ", clientId=" + clientId + ", clientSecret=[redacted], scopes=" + scopes
                    + ", allowedDomains=" + allowedDomains + ", allowedUsers=" + allowedUsers.size()
                    + ", redirectUri=" + redirectUri + "]";
        }

        private static URI checkIssuer(URI issuer) {
            if (issuer == null || !issuer.isAbsolute() || issuer.getHost() == null) {
                throw new IllegalArgumentException("OIDC issuer must be an absolute URL, got " + issuer);
            }
            if (issuer.getRawQuery() != null || issuer.getRawFragment() != null) {
                throw new IllegalArgumentException("OIDC issuer must have no query or fragment, got " + issuer);
            }
            String scheme = issuer.getScheme().toLowerCase(Locale.ROOT);
            if (scheme.equals("http") && !isLoopback(issuer.getHost())) {
                throw new IllegalArgumentException("OIDC issuer must use https (plain http only on a loopback "
                        + "address, for testing), got " + issuer);
            }
            if (!scheme.equals("https") && !scheme.equals("http")) {
                throw new IllegalArgumentException("OIDC issuer must be an https URL, got " + issuer);
            }
            return issuer;
        }

        private static boolean isLoopback(String host) {
            if (host.equalsIgnoreCase("localhost")) {
                return true;
            }
            String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
            try {
                return InetAddress.ofLiteral(literal).isLoopbackAddress(); // never a DNS lookup
            } catch (IllegalArgumentException e) {
                return false; // a name other than localhost
            }
        }

        private static List<String> domains(List<String> domains) {
            List<String> out = new ArrayList<>();
            for (String d : domains) {
                String lower = text(d, "each allowed domain").toLowerCase(Locale.ROOT);
                if (lower.startsWith("@")) {
                    lower = lower.substring(1);
                }
                if (!DOMAIN.matcher(lower).matches() || lower.length() > 253) {
                    throw new IllegalArgumentException("allowed domain is not a domain name: \"" + d + "\"");
                }
                out.add(lower);
            }
            return List.copyOf(out);
        }

        private static String text(String value, String what) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(what + " must not be empty");
            }
            if (value.length() > 1024 || value.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException(what + " must be at most 1024 characters without control characters");
            }
            return value;
        }
    }
}
