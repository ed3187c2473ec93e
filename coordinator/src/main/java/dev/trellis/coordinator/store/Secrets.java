package dev.trellis.coordinator.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * Key texts for pre-auth keys and API keys, and how their secrets are kept at rest.
 *
 * <p>A key text is {@code trellis-auth-<prefix>-<secret>} or {@code trellis-api-<prefix>-<secret>},
 * both halves lowercase base32: a 12-character prefix (60 bits, stored in clear, used to find the
 * row) and a 32-character secret (160 bits from {@link SecureRandom}). Only SHA-256 of the secret
 * is stored. A slow password hash (bcrypt, Argon2) exists to make guessing low-entropy passwords
 * expensive; a 160-bit random secret cannot be guessed from its hash at any speed, so a fast hash
 * loses nothing and keeps checking an API key on every request cheap. Comparisons are constant
 * time. Messages from this class never include the key text.
 */
public final class Secrets {
    /** Length in bytes of a stored secret hash. */
    public static final int HASH_LENGTH = 32;
    public static final int PREFIX_LENGTH = 12;
    public static final int SECRET_LENGTH = 32;
    /** Longest secret accepted when parsing, so a later, longer format still parses. */
    private static final int MAX_SECRET_LENGTH = 128;
    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {}

    /** What a key text unlocks; each has its own text prefix, so one can't be used as the other. */
    public enum Kind {
        PRE_AUTH("trellis-auth-", "pre-auth key"),
        API("trellis-api-", "API key");

        private final String textPrefix;
        private final String description;

        Kind(String textPrefix, String description) {
            this.textPrefix = textPrefix;
            this.description = description;
        }

        public String textPrefix() {
            return textPrefix;
        }
    }

    /** A key split into its halves. {@link #toString()} hides the secret; {@link #text()} is the full key. */
    public record KeyText(Kind kind, String prefix, String secret) {
        public KeyText {
            Checks.notNull(kind, "kind");
            checkBase32(prefix, PREFIX_LENGTH, PREFIX_LENGTH, kind);
            checkBase32(secret, SECRET_LENGTH, MAX_SECRET_LENGTH, kind);
        }

        /** The full key text, to show the user once. */
        public String text() {
            return kind.textPrefix + prefix + "-" + secret;
        }

        public byte[] secretHash() {
            return hash(secret);
        }

        @Override
        public String toString() {
            return kind.textPrefix + prefix + "-…";
        }
    }

    /** A new random key. */
    public static KeyText generate(Kind kind) {
        return new KeyText(kind, randomToken(PREFIX_LENGTH), randomToken(SECRET_LENGTH));
    }

    /**
     * Splits a key text presented by a user or device.
     *
     * @throws IllegalArgumentException if it is not a well-formed key of that kind
     */
    public static KeyText parse(Kind kind, String text) {
        Checks.notNull(kind, "kind");
        int prefixEnd = kind.textPrefix.length() + PREFIX_LENGTH;
        if (text == null || text.length() > prefixEnd + 1 + MAX_SECRET_LENGTH || !text.startsWith(kind.textPrefix)
                || text.length() < prefixEnd + 1 + SECRET_LENGTH || text.charAt(prefixEnd) != '-') {
            throw malformed(kind);
        }
        return new KeyText(kind, text.substring(kind.textPrefix.length(), prefixEnd), text.substring(prefixEnd + 1));
    }

    /** SHA-256 of the secret half. */
    public static byte[] hash(String secret) {
        Checks.notNull(secret, "secret");
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** True if {@code secret} hashes to {@code storedHash}; takes the same time wherever they differ. */
    public static boolean matches(byte[] storedHash, String secret) {
        return secret != null && hashesEqual(storedHash, hash(secret));
    }

    static boolean hashesEqual(byte[] a, byte[] b) {
        return a != null && b != null && MessageDigest.isEqual(a, b);
    }

    /** {@code chars} random lowercase base32 characters (5 bits each). */
    public static String randomToken(int chars) {
        if (chars <= 0 || chars > 1024) {
            throw new IllegalArgumentException("token length must be 1..1024, got " + chars);
        }
        StringBuilder b = new StringBuilder(chars);
        for (int i = 0; i < chars; i++) {
            b.append(BASE32[RANDOM.nextInt(BASE32.length)]);
        }
        return b.toString();
    }

    private static void checkBase32(String value, int min, int max, Kind kind) {
        if (value == null || value.length() < min || value.length() > max) {
            throw malformed(kind);
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '2' && c <= '7')) {
                throw malformed(kind);
            }
        }
    }

    private static IllegalArgumentException malformed(Kind kind) {
        return new IllegalArgumentException("not a well-formed " + kind.description + ": expected "
                + kind.textPrefix + "<" + PREFIX_LENGTH + " base32 characters>-<" + SECRET_LENGTH
                + " or more base32 characters>");
    }
}
