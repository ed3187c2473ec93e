package dev.trellis.coordinator.login;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Hashes local users' passwords with Argon2id and checks them. A hash is a PHC string,
 * {@code $argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>} (standard Base64 without
 * padding), the format of the reference implementation, so a hash carries its own parameters:
 * {@link #verify} accepts any hash within sane bounds (older, cheaper ones too, and version 16),
 * and {@link #needsRehash} says when one is weaker than this hasher would make today.
 *
 * <p>Passwords are UTF-8 encoded and limited to {@value #MAX_PASSWORD_BYTES} bytes, so a caller
 * cannot make the coordinator hash megabytes. Thread-safe; the caller's char array is not changed.
 */
public final class PasswordHasher {
    public static final int MAX_PASSWORD_BYTES = 1024;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    // Bounds for hashes read back: a stored hash must not make a verification take gigabytes or
    // minutes (the row could have been written by anything with database access).
    private static final int MAX_MEMORY_KIB = 1 << 20;
    private static final int MAX_ITERATIONS = 64;
    private static final int MAX_PARALLELISM = 16;
    private static final int MIN_SALT_BYTES = 8;
    private static final int MAX_SALT_BYTES = 64;
    private static final int MIN_HASH_BYTES = 16;
    private static final int MAX_HASH_BYTES = 64;
    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id(?:\\$v=([1-9]\\d{0,2}))?\\$m=([1-9]\\d{0,7}),t=([1-9]\\d{0,2}),p=([1-9]\\d{0,2})"
            + "\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");

    /**
     * Argon2id cost.
     *
     * @param memoryKiB   memory per hash in KiB (at least 8 × parallelism)
     * @param iterations  passes over the memory
     * @param parallelism lanes
     */
    public record Parameters(int memoryKiB, int iterations, int parallelism) {
        /**
         * OWASP's first recommendation for Argon2id: 19 MiB, 2 passes, 1 lane; about 40–100 ms on
         * one core of a small server, so a 2-core coordinator can check a few logins a second.
         */
        public static final Parameters OWASP = new Parameters(19 * 1024, 2, 1);

        public Parameters {
            if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
                throw new IllegalArgumentException("parallelism must be 1-" + MAX_PARALLELISM + ", got " + parallelism);
            }
            if (iterations < 1 || iterations > MAX_ITERATIONS) {
                throw new IllegalArgumentException("iterations must be 1-" + MAX_ITERATIONS + ", got " + iterations);
            }
            if (memoryKiB < 8 * parallelism || memoryKiB > MAX_MEMORY_KIB) {
                throw new IllegalArgumentException("memory must be " + 8 * parallelism + "-" + MAX_MEMORY_KIB
                        + " KiB for " + parallelism + " lane(s), got " + memoryKiB);
            }
        }

        /** True if this is at least as costly as {@code other} in every dimension. */
        boolean atLeast(Parameters other) {
            return memoryKiB >= other.memoryKiB && iterations >= other.iterations && parallelism >= other.parallelism;
        }
    }

    /** A parsed PHC string. */
    private record Encoded(int version, Parameters parameters, byte[] salt, byte[] hash) {}

    private final Parameters parameters;
    private final SecureRandom random = new SecureRandom();

    /** A hasher with {@link Parameters#OWASP}. */
    public PasswordHasher() {
        this(Parameters.OWASP);
    }

    public PasswordHasher(Parameters parameters) {
        if (parameters == null) {
            throw new IllegalArgumentException("parameters must not be null");
        }
        this.parameters = parameters;
    }

    public Parameters parameters() {
        return parameters;
    }

    /**
     * A new PHC string for {@code password}, with a fresh random salt.
     *
     * @throws IllegalArgumentException if the password is empty, longer than
     *     {@value #MAX_PASSWORD_BYTES} bytes in UTF-8, or holds an unpaired surrogate
     */
    public String hash(char[] password) {
        byte[] bytes = encode(password);
        if (bytes == null) {
            throw new IllegalArgumentException("password must be at most " + MAX_PASSWORD_BYTES
                    + " bytes of valid UTF-8");
        }
        try {
            if (bytes.length == 0) {
                throw new IllegalArgumentException("password must not be empty");
            }
            byte[] salt = new byte[SALT_BYTES];
            random.nextBytes(salt);
            byte[] hash = derive(Argon2Parameters.ARGON2_VERSION_13, parameters, salt, bytes, HASH_BYTES);
            Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
            return "$argon2id$v=19$m=" + parameters.memoryKiB + ",t=" + parameters.iterations + ",p="
                    + parameters.parallelism + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /**
     * True if {@code password} matches {@code encoded}; the final comparison takes the same time
     * wherever the hashes differ. An empty or over-long password never matches.
     *
     * @throws IllegalArgumentException if {@code encoded} is not an Argon2id PHC string within
     *     this class's bounds (what is wrong is said, the string itself is not repeated)
     */
    public boolean verify(String encoded, char[] password) {
        Encoded e = parse(encoded);
        byte[] bytes = encode(password);
        if (bytes == null) {
            return false;
        }
        try {
            if (bytes.length == 0) {
                return false;
            }
            byte[] actual = derive(e.version, e.parameters, e.salt, bytes, e.hash.length);
            return MessageDigest.isEqual(actual, e.hash);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /**
     * True if {@code encoded} was made with weaker parameters, an older Argon2 version or a shorter
     * salt or hash than {@link #hash} makes now: hash the password again at the next login.
     *
     * @throws IllegalArgumentException as {@link #verify}
     */
    public boolean needsRehash(String encoded) {
        Encoded e = parse(encoded);
        return e.version != Argon2Parameters.ARGON2_VERSION_13 || !e.parameters.atLeast(parameters)
                || e.salt.length < SALT_BYTES || e.hash.length < HASH_BYTES;
    }

    private static Encoded parse(String encoded) {
        if (encoded == null) {
            throw new IllegalArgumentException("password hash is missing");
        }
        if (encoded.length() > 256) {
            throw new IllegalArgumentException("password hash is " + encoded.length() + " characters; not an Argon2id hash");
        }
        Matcher m = PHC.matcher(encoded);
        if (!m.matches()) {
            throw new IllegalArgumentException("password hash is not in the form $argon2id$v=19$m=…,t=…,p=…$salt$hash");
        }
        int version = m.group(1) == null ? Argon2Parameters.ARGON2_VERSION_10 : Integer.parseInt(m.group(1));
        if (version != Argon2Parameters.ARGON2_VERSION_10 && version != Argon2Parameters.ARGON2_VERSION_13) {
            throw new IllegalArgumentException("password hash has Argon2 version " + version + "; only 16 and 19 exist");
        }
        Parameters parameters;
        try {
            parameters = new Parameters(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                    Integer.parseInt(m.group(4)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("password hash has unusable parameters: " + e.getMessage(), e);
        }
        byte[] salt = decode(m.group(5), "salt", MIN_SALT_BYTES, MAX_SALT_BYTES);
        byte[] hash = decode(m.group(6), "hash", MIN_HASH_BYTES, MAX_HASH_BYTES);
        return new Encoded(version, parameters, salt, hash);
    }

    private static byte[] decode(String b64, String what, int min, int max) {
        // PHC Base64 has no padding, so 4n+1 characters can't occur; the JDK decoder accepts
        // unpadded input and rejects that length.
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("password hash has a malformed " + what + " (Base64 without padding expected)");
        }
        if (!Base64.getEncoder().withoutPadding().encodeToString(bytes).equals(b64)) {
            // Non-canonical trailing bits: another encoding of the same bytes. Refused, so that
            // a hash has exactly one text form.
            throw new IllegalArgumentException("password hash has a non-canonical " + what);
        }
        if (bytes.length < min || bytes.length > max) {
            throw new IllegalArgumentException("password hash has a " + bytes.length + "-byte " + what + "; "
                    + min + "-" + max + " expected");
        }
        return bytes;
    }

    private static byte[] derive(int version, Parameters p, byte[] salt, byte[] password, int length) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(version)
                .withMemoryAsKB(p.memoryKiB)
                .withIterations(p.iterations)
                .withParallelism(p.parallelism)
                .withSalt(salt)
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(params);
        byte[] out = new byte[length];
        generator.generateBytes(password, out);
        return out;
    }

    /** UTF-8 bytes of the password, or null if it is too long or not valid UTF-16. */
    private static byte[] encode(char[] password) {
        if (password == null) {
            throw new IllegalArgumentException("password must not be null");
        }
        if (password.length > MAX_PASSWORD_BYTES) {
            return null; // every char is at least one byte
        }
        CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer out = ByteBuffer.allocate(password.length * 3);
        try {
            CoderResult result = encoder.encode(CharBuffer.wrap(password), out, true);
            if (result.isError() || encoder.flush(out).isError() || out.position() > MAX_PASSWORD_BYTES) {
                return null;
            }
            return Arrays.copyOf(out.array(), out.position());
        } finally {
            Arrays.fill(out.array(), (byte) 0);
        }
    }
}
