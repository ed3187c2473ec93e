package dev.trellis.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Checks and converters for the values users type; each refusal says what is expected. */
final class Arguments {
    static final int MAX_AUTH_KEY_FILE = 4096;

    private Arguments() {}

    /** {@code --login-server}: an absolute http(s) URL with a host. */
    static final class LoginServer implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                URI u = new URI(value);
                String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
                if ((scheme.equals("http") || scheme.equals("https")) && u.getHost() != null) {
                    return value;
                }
            } catch (URISyntaxException e) {
                // reported below
            }
            throw new TypeConversionException("'" + TerminalText.oneLine(value)
                    + "' is not an http(s) URL like https://coordinator.example.com");
        }
    }

    /** {@code --hostname}: 1-253 printable characters without spaces; the daemon makes it DNS-safe. */
    static final class Hostname implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            boolean ok = !value.isEmpty() && value.length() <= 253
                    && value.chars().allMatch(c -> c > ' ' && c != 0x7f && !Character.isISOControl(c));
            if (!ok) {
                throw new TypeConversionException("'" + TerminalText.oneLine(value)
                        + "' is not a hostname: use 1-253 characters without spaces, e.g. laptop");
            }
            return value;
        }
    }

    /**
     * The auth key from {@code --auth-key}: the key itself, or {@code file:PATH} to read it from a
     * file (keeps it out of the process list). Null stays null. Errors never echo the key.
     */
    static String authKey(String given) throws CliException {
        if (given == null) {
            return null;
        }
        String key = given;
        if (given.startsWith("file:")) {
            Path path = Path.of(given.substring(5));
            try {
                if (Files.size(path) > MAX_AUTH_KEY_FILE) {
                    throw new CliException(ExitCode.USAGE, "auth key file " + path + " is larger than "
                            + MAX_AUTH_KEY_FILE + " bytes: it should hold just the key");
                }
                key = Files.readString(path, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new CliException(ExitCode.USAGE, "cannot read the auth key file " + path + " ("
                        + e.getClass().getSimpleName() + "): check the path and its permissions");
            }
        }
        if (key.isBlank() || !key.chars().allMatch(c -> c > ' ' && c < 0x7f)) {
            throw new CliException(ExitCode.USAGE,
                    "the auth key is empty or contains spaces or control characters: copy it again from the coordinator");
        }
        return key;
    }
}
