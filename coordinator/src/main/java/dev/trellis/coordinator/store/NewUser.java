package dev.trellis.coordinator.store;

/** What {@link Store#createUser} needs; the store assigns the id and creation time. */
public record NewUser(String name, String displayName, String loginName, String provider, String subject,
        String passwordHash) {
    public NewUser {
        User.validate(name, displayName, loginName, provider, subject, passwordHash);
    }

    /** A local user; {@code passwordHash} may be null (no password login). */
    public static NewUser local(String name, String displayName, String passwordHash) {
        return new NewUser(name, displayName, name, User.LOCAL, null, passwordHash);
    }

    /** A user of the OpenID provider {@code issuer}, identified by the {@code sub} claim. */
    public static NewUser oidc(String issuer, String subject, String name, String displayName, String loginName) {
        return new NewUser(name, displayName, loginName, User.oidcProvider(issuer), subject, null);
    }

    @Override
    public String toString() {
        return "NewUser[name=" + name + ", provider=" + provider + ", subject=" + subject + "]";
    }
}
