package dev.trellis.coordinator.cmd;

import dev.trellis.coordinator.login.PasswordHasher;

/** The password hash for local users: the login pages' Argon2id. */
final class PasswordHashing {
    private PasswordHashing() {}

    static String hash(char[] password) {
        try {
            return new PasswordHasher().hash(password);
        } finally {
            java.util.Arrays.fill(password, '\0');
        }
    }
}
