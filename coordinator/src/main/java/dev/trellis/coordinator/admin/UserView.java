package dev.trellis.coordinator.admin;

import dev.trellis.coordinator.store.User;
import java.time.Instant;

/**
 * A user as the admin API shows it (never the password hash).
 *
 * @param provider {@code local}, or {@code oidc:<issuer>}
 */
public record UserView(long id, String name, String displayName, String loginName, String provider,
        Instant created) {

    public static UserView of(User u) {
        return new UserView(u.id(), u.name(), u.displayName(), u.loginName(), u.provider(), u.created());
    }
}
