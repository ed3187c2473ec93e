package dev.trellis.coordinator.login;

import dev.trellis.coordinator.store.NewUser;
import dev.trellis.coordinator.store.Store;
import dev.trellis.coordinator.store.StoreConflictException;
import dev.trellis.coordinator.store.User;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * Maps a verified OIDC identity to a Trellis user: the user with provider {@code oidc:<issuer>}
 * and the token's {@code sub}, created on first login. The user's name comes from
 * {@code preferred_username} or the email's local part, made DNS-friendly and given a numeric
 * suffix if another user has it; the login name is the email (else the preferred username, else
 * the subject).
 */
final class OidcUsers {
    private static final int MAX_NAME = 63;
    private static final int MAX_TEXT = 255;
    private static final int NUMBERED_TRIES = 20;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The claims we use from a validated ID token; all but issuer and subject may be null. */
    record Identity(String issuer, String subject, String email, boolean emailVerified, String preferredUsername,
            String name) {}

    private OidcUsers() {}

    static User findOrCreate(Store store, Identity id) {
        String provider = User.oidcProvider(id.issuer());
        Optional<User> existing = store.userByProviderSubject(provider, id.subject());
        if (existing.isPresent()) {
            return existing.get();
        }
        String loginName = clean(firstPresent(id.email(), id.preferredUsername(), id.subject()));
        String displayName = clean(firstPresent(id.name(), id.preferredUsername(), loginName));
        String base = baseName(id);
        for (int i = 1; i <= NUMBERED_TRIES + 1; i++) {
            String candidate = i == 1 ? base
                    : i <= NUMBERED_TRIES ? withSuffix(base, "-" + i)
                    : withSuffix(base, "-" + HexFormat.of().toHexDigits(RANDOM.nextInt()));
            if (store.userByName(candidate).isPresent()) {
                continue;
            }
            try {
                return store.createUser(NewUser.oidc(id.issuer(), id.subject(), candidate, displayName, loginName));
            } catch (StoreConflictException e) {
                // Either the name was just taken, or this same identity logged in at the same
                // moment elsewhere: then use that user.
                Optional<User> raced = store.userByProviderSubject(provider, id.subject());
                if (raced.isPresent()) {
                    return raced.get();
                }
            }
        }
        throw new StoreConflictException("no free user name near \"" + base + "\"");
    }

    /** A DNS-label-like name: lowercase letters, digits, '.', '_' and '-'; "user" if nothing is left. */
    static String baseName(Identity id) {
        String raw = id.preferredUsername();
        if (raw == null || raw.isBlank()) {
            raw = id.email() == null ? null : id.email().substring(0, Math.max(0, id.email().lastIndexOf('@')));
        }
        if (raw == null || raw.isBlank()) {
            return "user";
        }
        StringBuilder out = new StringBuilder();
        for (char c : raw.toLowerCase(Locale.ROOT).toCharArray()) {
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
            char next = ok ? c : '-';
            if (next == '-' && (out.isEmpty() || out.charAt(out.length() - 1) == '-')) {
                continue;
            }
            out.append(next);
            if (out.length() == MAX_NAME) {
                break;
            }
        }
        while (!out.isEmpty() && "-.".indexOf(out.charAt(out.length() - 1)) >= 0) {
            out.setLength(out.length() - 1);
        }
        return out.isEmpty() ? "user" : out.toString();
    }

    private static String withSuffix(String base, String suffix) {
        return base.substring(0, Math.min(base.length(), MAX_NAME - suffix.length())) + suffix;
    }

    private static String firstPresent(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return "";
    }

    /** Claim text fit for a user record: no control characters, at most 255 characters. */
    private static String clean(String text) {
        String printable = text.replaceAll("\\p{Cntrl}", " ").strip();
        return printable.length() > MAX_TEXT ? printable.substring(0, MAX_TEXT) : printable;
    }
}
