package dev.trellis.coordinator.cmd;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.trellis.coordinator.CoordinatorConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * The settings file of {@code serve --config}: JSON with comments and trailing commas (HuJSON),
 * every key optional; an unknown key is an error, so a typo is not silently ignored.
 *
 * <pre>{@code
 * {
 *   "listen": "198.18.0.1:8080",          // HOST:PORT
 *   "serverUrl": "http://198.18.0.1:8080",
 *   "databaseUrl": "jdbc:postgresql://127.0.0.1/trellis?user=trellis",
 *   "tlsCert": "/etc/trellis/cert.pem", "tlsKey": "/etc/trellis/key.pem",
 *   "domain": "trellis.internal",
 *   "nodeKeyExpiry": "180d", "ephemeralTimeout": "30s",
 *   "oidc": {                             // omit for the built-in login page
 *     "issuer": "https://login.example.com", "clientId": "trellis",
 *     "clientSecretFile": "/etc/trellis/oidc-secret",   // or "clientSecret": "…"
 *     "allowedDomains": ["example.com"],    // optional
 *   },
 * }
 * }</pre>
 */
final class ConfigFile {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS, JsonReadFeature.ALLOW_TRAILING_COMMA)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    record Settings(String listen, String serverUrl, String databaseUrl, String tlsCert, String tlsKey, String domain,
            String nodeKeyExpiry, String ephemeralTimeout, Oidc oidc) {}

    /** The "oidc" section; the secret comes inline or, better, from a 0600 file. */
    record Oidc(String issuer, String clientId, String clientSecret, String clientSecretFile, List<String> scopes,
            List<String> allowedDomains, List<String> allowedUsers) {
        @Override
        public String toString() {
            return "Oidc[issuer=" + issuer + ", clientId=" + clientId + "]";
        }
    }

    private ConfigFile() {}

    private static CoordinatorConfig.OidcSettings oidc(Oidc o) throws IOException {
        if (o.issuer() == null || o.clientId() == null) {
            throw new IllegalArgumentException("\"oidc\" needs \"issuer\" and \"clientId\"");
        }
        if ((o.clientSecret() == null) == (o.clientSecretFile() == null)) {
            throw new IllegalArgumentException("\"oidc\" needs exactly one of \"clientSecret\" and \"clientSecretFile\"");
        }
        String secret = o.clientSecret() != null ? o.clientSecret() : Secrets.readFirstLine(Path.of(o.clientSecretFile()));
        return new CoordinatorConfig.OidcSettings(URI.create(o.issuer()), o.clientId(), secret, o.scopes(),
                o.allowedDomains(), o.allowedUsers());
    }

    static CoordinatorConfig read(Path file, Path dataDir) throws IOException {
        Settings s;
        try {
            s = JSON.readValue(file.toFile(), Settings.class);
        } catch (IOException e) {
            throw new IOException("cannot read settings file " + file + ": " + e.getMessage(), e);
        }
        if (s == null) {
            throw new IOException("settings file " + file + " is empty: write {} for no settings");
        }
        CoordinatorConfig d = CoordinatorConfig.defaults(dataDir);
        try {
            return new CoordinatorConfig(
                    s.listen() != null ? ServeCommand.parseHostPort(s.listen()) : d.listen(),
                    s.serverUrl() != null ? URI.create(s.serverUrl()) : null,
                    dataDir,
                    s.databaseUrl(),
                    s.tlsCert() != null ? Path.of(s.tlsCert()) : null,
                    s.tlsKey() != null ? Path.of(s.tlsKey()) : null,
                    s.domain() != null ? s.domain() : d.domain(),
                    s.nodeKeyExpiry() != null ? Durations.parse(s.nodeKeyExpiry()) : d.nodeKeyExpiry(),
                    s.ephemeralTimeout() != null ? Durations.parse(s.ephemeralTimeout()) : d.ephemeralTimeout(),
                    d.keepAlive(),
                    s.oidc() == null ? null : oidc(s.oidc()));
        } catch (IllegalArgumentException e) {
            throw new IOException("in settings file " + file + ": " + e.getMessage(), e);
        }
    }
}
