package dev.trellis.coordinator;

import dev.trellis.coordinator.login.LoginConfig;
import dev.trellis.coordinator.relay.EmbeddedRelay;
import dev.trellis.coordinator.tailnet.TailnetConfig;
import dev.trellis.protocol.control.RelayMap;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything a coordinator process needs to know, with defaults that make a demo work with no
 * configuration: SQLite in the data directory, built-in login, plain HTTP on loopback.
 *
 * @param listen where the HTTP(S) server binds
 * @param serverUrl the URL nodes and browsers use; null = derived from {@code listen}
 * @param dataDir the directory for the SQLite database (and, later, other state)
 * @param databaseUrl a {@code jdbc:postgresql://…} URL, or null for SQLite in {@code dataDir}
 * @param tlsCert PEM certificate chain for HTTPS, or null for plain HTTP
 * @param tlsKey PEM (PKCS#8) private key for HTTPS, or null
 * @param domain the DNS suffix of node names
 * @param nodeKeyExpiry default node key lifetime; zero = keys never expire
 * @param ephemeralTimeout how long an ephemeral node may be offline before it is deleted
 * @param keepAlive how often a silent map stream gets a keep-alive
 * @param oidc the OpenID Connect provider users log in at; null = the built-in login page
 * @param relayMap the relays nodes are told about; {@link RelayMap#EMPTY} = none
 * @param embeddedRelay a relay in this process, added to the relay map; null = none
 */
public record CoordinatorConfig(
        InetSocketAddress listen,
        URI serverUrl,
        Path dataDir,
        String databaseUrl,
        Path tlsCert,
        Path tlsKey,
        String domain,
        Duration nodeKeyExpiry,
        Duration ephemeralTimeout,
        Duration keepAlive,
        OidcSettings oidc,
        RelayMap relayMap,
        EmbeddedRelaySettings embeddedRelay) {

    /** The settings without an embedded relay. */
    public CoordinatorConfig(InetSocketAddress listen, URI serverUrl, Path dataDir, String databaseUrl, Path tlsCert,
            Path tlsKey, String domain, Duration nodeKeyExpiry, Duration ephemeralTimeout, Duration keepAlive,
            OidcSettings oidc, RelayMap relayMap) {
        this(listen, serverUrl, dataDir, databaseUrl, tlsCert, tlsKey, domain, nodeKeyExpiry, ephemeralTimeout,
                keepAlive, oidc, relayMap, null);
    }

    /** The settings without relays. */
    public CoordinatorConfig(InetSocketAddress listen, URI serverUrl, Path dataDir, String databaseUrl, Path tlsCert,
            Path tlsKey, String domain, Duration nodeKeyExpiry, Duration ephemeralTimeout, Duration keepAlive,
            OidcSettings oidc) {
        this(listen, serverUrl, dataDir, databaseUrl, tlsCert, tlsKey, domain, nodeKeyExpiry, ephemeralTimeout,
                keepAlive, oidc, RelayMap.EMPTY);
    }

    /** The settings without an OIDC provider (built-in login). */
    public CoordinatorConfig(InetSocketAddress listen, URI serverUrl, Path dataDir, String databaseUrl, Path tlsCert,
            Path tlsKey, String domain, Duration nodeKeyExpiry, Duration ephemeralTimeout, Duration keepAlive) {
        this(listen, serverUrl, dataDir, databaseUrl, tlsCert, tlsKey, domain, nodeKeyExpiry, ephemeralTimeout,
                keepAlive, null);
    }

    /**
     * An OpenID Connect provider: its issuer, this coordinator's client registration there
     * (whose redirect URI must be {@code <server URL>/oidc/callback}), and optional allow-lists.
     */
    public record OidcSettings(URI issuer, String clientId, String clientSecret, List<String> scopes,
            List<String> allowedDomains, List<String> allowedUsers) {
        public OidcSettings {
            scopes = scopes == null || scopes.isEmpty() ? LoginConfig.Oidc.DEFAULT_SCOPES : List.copyOf(scopes);
            allowedDomains = allowedDomains == null ? List.of() : List.copyOf(allowedDomains);
            allowedUsers = allowedUsers == null ? List.of() : List.copyOf(allowedUsers);
        }

        LoginConfig.Oidc at(URI serverUrl) {
            return new LoginConfig.Oidc(issuer, clientId, clientSecret, scopes, allowedDomains, allowedUsers,
                    LoginConfig.Oidc.callbackUri(serverUrl));
        }

        @Override
        public String toString() {
            return "OidcSettings[issuer=" + issuer + ", clientId=" + clientId + ", clientSecret=[redacted]]";
        }
    }

    /**
     * A relay (and STUN server) in the coordinator's own process, for small installs: the relay
     * protocol at {@code /relay} on the coordinator's port, region {@value EmbeddedRelay#REGION_ID}
     * in the relay map.
     *
     * @param stunListen the STUN server's UDP address; null = the listen host, port
     *     {@value EmbeddedRelay#DEFAULT_STUN_PORT}
     */
    public record EmbeddedRelaySettings(InetSocketAddress stunListen) {
        /** Where STUN listens when the coordinator listens on {@code listen}. */
        public InetSocketAddress stunListenFor(InetSocketAddress listen) {
            return stunListen != null ? stunListen
                    : new InetSocketAddress(listen.getAddress(), EmbeddedRelay.DEFAULT_STUN_PORT);
        }
    }

    public CoordinatorConfig withOidc(OidcSettings settings) {
        return new CoordinatorConfig(listen, serverUrl, dataDir, databaseUrl, tlsCert, tlsKey, domain, nodeKeyExpiry,
                ephemeralTimeout, keepAlive, settings, relayMap, embeddedRelay);
    }

    public CoordinatorConfig withRelayMap(RelayMap map) {
        return new CoordinatorConfig(listen, serverUrl, dataDir, databaseUrl, tlsCert, tlsKey, domain, nodeKeyExpiry,
                ephemeralTimeout, keepAlive, oidc, map, embeddedRelay);
    }

    /** With a relay in this process ({@code null}: without). */
    public CoordinatorConfig withEmbeddedRelay(EmbeddedRelaySettings settings) {
        return new CoordinatorConfig(listen, serverUrl, dataDir, databaseUrl, tlsCert, tlsKey, domain, nodeKeyExpiry,
                ephemeralTimeout, keepAlive, oidc, relayMap, settings);
    }

    public static final int DEFAULT_PORT = 8080;
    public static final String DEFAULT_DOMAIN = "trellis.internal";

    public CoordinatorConfig {
        Objects.requireNonNull(listen, "listen");
        relayMap = relayMap == null ? RelayMap.EMPTY : relayMap;
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(domain, "domain");
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together");
        }
        if (embeddedRelay != null) {
            EmbeddedRelay.checkNoClash(relayMap); // before anything starts: a clash is a startup error
        }
    }

    /** The demo defaults: loopback port 8080, data in {@code dataDir}. */
    public static CoordinatorConfig defaults(Path dataDir) {
        return new CoordinatorConfig(new InetSocketAddress("127.0.0.1", DEFAULT_PORT), null, dataDir, null, null, null,
                DEFAULT_DOMAIN, TailnetConfig.DEFAULT_KEY_EXPIRY, TailnetConfig.DEFAULT_EPHEMERAL_TIMEOUT,
                Duration.ofSeconds(30));
    }

    public boolean tls() {
        return tlsCert != null;
    }

    /** The server URL to advertise, once the actual port is known. */
    public URI effectiveServerUrl(InetSocketAddress bound) {
        if (serverUrl != null) {
            return serverUrl;
        }
        String host = bound.getAddress().isAnyLocalAddress() ? null : bound.getAddress().getHostAddress();
        if (host == null) {
            throw new IllegalArgumentException("listening on all addresses: give --server-url so nodes and browsers"
                    + " know which address to use");
        }
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create((tls() ? "https://" : "http://") + host + ":" + bound.getPort());
    }
}
