package dev.trellis.coordinator.cmd;

import dev.trellis.coordinator.Coordinator;
import dev.trellis.coordinator.CoordinatorConfig;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code trellis-coordinator serve}: runs the coordinator until it is signalled. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the coordinator (plain HTTP on 127.0.0.1:8080, SQLite and built-in login by default).", "",
                "Besides the control protocol and login pages, the port serves the admin API under /api/v1/ (API"
                        + " keys: see `apikeys create`) and GET /metrics (Prometheus text, without authentication:"
                        + " firewall it, or block /metrics at the reverse proxy and scrape the port directly from a"
                        + " trusted network). The admin socket <data-dir>/run/admin.sock serves the same API and"
                        + " metrics to root and the coordinator's own user, without a key."})
final class ServeCommand implements Callable<Integer> {
    @Mixin
    DataOptions data;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Settings file (JSON with comments); command-line options override it.")
    Path configFile;

    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "Address to listen on. Default: 127.0.0.1:8080.")
    String listen;

    @Option(names = "--server-url", paramLabel = "URL",
            description = "URL nodes and browsers reach this server at. Default: derived from --listen.")
    URI serverUrl;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "PEM certificate chain: serve HTTPS.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM (PKCS#8) private key for --tls-cert.")
    Path tlsKey;

    @Option(names = "--domain", paramLabel = "DOMAIN", description = "DNS suffix of node names. Default: trellis.internal.")
    String domain;

    @Option(names = "--node-key-expiry", paramLabel = "DURATION", converter = Durations.class,
            description = "How long a login lasts (e.g. 180d; 0s = never expires). Default: 180d.")
    Duration nodeKeyExpiry;

    @Option(names = "--ephemeral-timeout", paramLabel = "DURATION", converter = Durations.class,
            description = "How long an ephemeral node may be offline before it is deleted. Default: 30s.")
    Duration ephemeralTimeout;

    @Option(names = "--relay-map", paramLabel = "FILE",
            description = "The relays nodes may use (JSON/HuJSON: {\"Regions\": [{\"ID\", \"Code\", \"Name\","
                    + " \"Relays\": [{\"Name\", \"HostName\", \"IPv4\", \"IPv6\", \"RelayPort\", \"STUNPort\"}]}]}; see docs/relay.md)."
                    + " Default: none.")
    Path relayMap;

    @Option(names = "--embedded-relay",
            description = "Also run a relay for nodes that cannot reach each other directly: the relay protocol at"
                    + " /relay on this server's port, STUN on UDP (--embedded-relay-stun), and region 900"
                    + " (\"embedded\") in the relay map, at the server URL's host. For small installs with one"
                    + " coordinator; its key is <data-dir>/relay.key.")
    boolean embeddedRelay;

    @Option(names = "--embedded-relay-stun", paramLabel = "HOST:PORT",
            description = "UDP address of the embedded relay's STUN server; nodes reach it at the server URL's host."
                    + " Default: the --listen host, port 3478.")
    String embeddedRelayStun;

    @Option(names = "--oidc-issuer", paramLabel = "URL",
            description = "Log users in at this OpenID Connect provider instead of the built-in login page.")
    URI oidcIssuer;

    @Option(names = "--oidc-client-id", paramLabel = "ID", description = "This coordinator's client id at the provider.")
    String oidcClientId;

    @Option(names = "--oidc-client-secret-file", paramLabel = "FILE",
            description = "File holding the client secret (first line). Register <server URL>/oidc/callback as its redirect URI.")
    Path oidcClientSecretFile;

    @Option(names = "--oidc-allowed-domains", split = ",", paramLabel = "DOMAIN,…",
            description = "Only users with a verified e-mail address in these domains may log in.")
    java.util.List<String> oidcAllowedDomains;

    @Override
    public Integer call() throws Exception {
        CoordinatorConfig base = configFile != null ? ConfigFile.read(configFile, data.dataDir)
                : CoordinatorConfig.defaults(data.dataDir);
        CoordinatorConfig config = new CoordinatorConfig(
                listen != null ? parseHostPort(listen) : base.listen(),
                serverUrl != null ? serverUrl : base.serverUrl(),
                data.dataDir,
                data.databaseUrl != null ? data.databaseUrl : base.databaseUrl(),
                tlsCert != null ? tlsCert : base.tlsCert(),
                tlsKey != null ? tlsKey : base.tlsKey(),
                domain != null ? domain : base.domain(),
                nodeKeyExpiry != null ? nodeKeyExpiry : base.nodeKeyExpiry(),
                ephemeralTimeout != null ? ephemeralTimeout : base.ephemeralTimeout(),
                base.keepAlive(),
                oidcSettings(base.oidc()),
                relayMap != null ? RelayMapFile.read(relayMap) : base.relayMap(),
                embeddedRelaySettings(base.embeddedRelay()));
        Coordinator coordinator = Coordinator.start(config);
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            coordinator.close();
            stop.countDown();
        }, "coordinator-shutdown"));
        System.err.println("trellis-coordinator: serving " + coordinator.serverUrl() + " (listening on "
                + coordinator.address() + ")");
        stop.await();
        return 0;
    }

    private CoordinatorConfig.EmbeddedRelaySettings embeddedRelaySettings(
            CoordinatorConfig.EmbeddedRelaySettings fromFile) {
        if (embeddedRelayStun != null && !embeddedRelay) {
            throw new IllegalArgumentException("--embedded-relay-stun goes with --embedded-relay");
        }
        if (!embeddedRelay) {
            return fromFile;
        }
        return new CoordinatorConfig.EmbeddedRelaySettings(
                embeddedRelayStun == null ? null : parseHostPort(embeddedRelayStun, "--embedded-relay-stun"));
    }

    private CoordinatorConfig.OidcSettings oidcSettings(CoordinatorConfig.OidcSettings fromFile) throws java.io.IOException {
        if (oidcIssuer == null && oidcClientId == null && oidcClientSecretFile == null) {
            return fromFile;
        }
        if (oidcIssuer == null || oidcClientId == null || oidcClientSecretFile == null) {
            throw new IllegalArgumentException("--oidc-issuer, --oidc-client-id and --oidc-client-secret-file go together");
        }
        return new CoordinatorConfig.OidcSettings(oidcIssuer, oidcClientId, Secrets.readFirstLine(oidcClientSecretFile),
                null, oidcAllowedDomains, null);
    }

    static InetSocketAddress parseHostPort(String text) {
        return parseHostPort(text, "--listen");
    }

    /** A numeric {@code HOST:PORT} ({@code [v6]:PORT}); errors name {@code option}. */
    static InetSocketAddress parseHostPort(String text, String option) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException(option + " wants HOST:PORT, e.g. 127.0.0.1:8080 or [::1]:8080, got '"
                    + text + "'");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("bad port in " + option + " '" + text + "'");
        }
        byte[] raw = dev.trellis.protocol.net.IpLiterals.parseAddress(host);
        if (raw == null) {
            throw new IllegalArgumentException(option + " wants a numeric address (no host names), got '" + host + "'");
        }
        return new InetSocketAddress(dev.trellis.protocol.net.IpLiterals.toInetAddress(raw), port);
    }
}
