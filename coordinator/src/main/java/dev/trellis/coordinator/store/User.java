package dev.trellis.coordinator.store;

import java.time.Instant;

/**
 * A person (or service) that owns nodes.
 *
 * @param provider     {@code "local"} for users with a coordinator password, {@code "oidc:<issuer>"}
 *                     for users who log in through an OpenID provider
 * @param subject      the OIDC {@code sub} claim; null for local users
 * @param passwordHash an encoded password hash (the login code chooses the scheme); null unless
 *                     local, and may be null for a local user who cannot log in with a password
 */
public record User(long id, String name, String displayName, String loginName, String provider, String subject,
        String passwordHash, Instant created) {
    public static final String LOCAL = "local";
    public static final String OIDC_PREFIX = "oidc:";

    public User {
        validate(name, displayName, loginName, provider, subject, passwordHash);
        Checks.notNull(created, "created");
    }

    /** The provider text for users of the OpenID provider {@code issuer}. */
    public static String oidcProvider(String issuer) {
        return OIDC_PREFIX + Checks.text(issuer, "OIDC issuer", Checks.MAX_NAME);
    }

    public boolean isLocal() {
        return LOCAL.equals(provider);
    }

    static void validate(String name, String displayName, String loginName, String provider, String subject,
            String passwordHash) {
        Checks.text(name, "user name", Checks.MAX_NAME);
        Checks.notNull(displayName, "display name");
        Checks.optionalText(displayName, "display name", Checks.MAX_NAME);
        Checks.notNull(loginName, "login name");
        Checks.optionalText(loginName, "login name", Checks.MAX_NAME);
        Checks.text(provider, "provider", Checks.MAX_NAME + OIDC_PREFIX.length());
        if (LOCAL.equals(provider)) {
            if (subject != null) {
                throw new IllegalArgumentException("a local user has no OIDC subject");
            }
            Checks.optionalText(passwordHash, "password hash", Checks.MAX_NAME);
        } else if (provider.startsWith(OIDC_PREFIX) && provider.length() > OIDC_PREFIX.length()) {
            Checks.text(subject, "OIDC subject", Checks.MAX_NAME);
            if (passwordHash != null) {
                throw new IllegalArgumentException("an OIDC user has no password");
            }
        } else {
            throw new IllegalArgumentException("provider must be \"local\" or \"oidc:<issuer>\"");
        }
    }

    /** Leaves the password hash out, so logging a user never leaks it. */
    @Override
    public String toString() {
        return "User[id=" + id + ", name=" + name + ", provider=" + provider + ", subject=" + subject + "]";
    }
}
