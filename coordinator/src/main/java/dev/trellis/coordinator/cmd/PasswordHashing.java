package dev.trellis.coordinator.cmd;

/**
 * The password hash for local users; delegates to the login package's hasher once it lands.
 */
final class PasswordHashing {
    private PasswordHashing() {}

    static String hash(char[] password) {
        throw new UnsupportedOperationException("local passwords arrive with the login pages");
    }
}
