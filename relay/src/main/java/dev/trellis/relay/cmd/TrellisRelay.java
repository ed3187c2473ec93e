package dev.trellis.relay.cmd;

import dev.trellis.protocol.http.PemTls;
import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.relay.Relay;
import dev.trellis.relay.RelayConfig;
import dev.trellis.relay.RelayKeyFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import dev.trellis.protocol.stun.StunServer;
import javax.net.ssl.SSLContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code trellis-relay}: runs a relay until killed. Exit codes: 0 ok, 1 failure (one line on
 * stderr saying what to do), 2 bad usage.
 */
@Command(name = "trellis-relay", mixinStandardHelpOptions = true, version = "trellis-relay 0.1.0",
        description = "Forwards Trellis nodes' encrypted WireGuard packets by destination key, for nodes that "
                + "cannot reach each other directly.")
public final class TrellisRelay implements Callable<Integer> {
    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "HTTP(S) address (default ${DEFAULT-VALUE})")
    String listen = "0.0.0.0:443";

    @Option(names = "--stun-listen", paramLabel = "HOST:PORT",
            description = "UDP address of the STUN server (RFC 8489 Binding); default: no STUN")
    String stunListen;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "PEM certificate chain (with --tls-key)")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM PKCS#8 private key (with --tls-cert)")
    Path tlsKey;

    @Option(names = "--region", paramLabel = "ID", description = "region ID, shown in /health and /metrics")
    String region = "";

    @Option(names = "--key-file", paramLabel = "FILE",
            description = "the relay's private key (mode 0600; created if missing); default: a new key in memory")
    Path keyFile;

    @Option(names = "--mesh-key", paramLabel = "FILE", description = "the region's shared mesh secret (mode 0600)")
    Path meshKey;

    @Option(names = "--mesh-with", paramLabel = "URL", split = ",",
            description = "the other relays of the region, http(s)://host:port, comma-separated")
    List<URI> meshWith = new ArrayList<>();

    @Option(names = "--rate", paramLabel = "BYTES/S", description = "per-client sustained send rate; 0: unlimited")
    long rate;

    @Option(names = "--queue-budget", paramLabel = "BYTES", converter = ByteSize.class,
            description = "most packet bytes all clients' send queues may hold together, e.g. 256M (the default) or 1G")
    long queueBudget = RelayConfig.DEFAULT_QUEUE_BUDGET;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Tests stop the relay through this; the real command runs until killed. */
    final CountDownLatch stop = new CountDownLatch(1);
    volatile Relay running;

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true, System.out.charset()),
                new PrintWriter(System.err, true, System.err.charset()), new TrellisRelay(), args));
    }

    static int run(PrintWriter out, PrintWriter err, TrellisRelay command, String... args) {
        CommandLine cl = new CommandLine(command);
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("trellis-relay: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            if (System.getenv("TRELLIS_DEBUG") != null) {
                e.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        cl.setParameterExceptionHandler((e, badArgs) -> {
            e.getCommandLine().getErr().println("trellis-relay: " + e.getMessage() + " (see `trellis-relay --help`)");
            return 2;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        configureLogging();
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--tls-cert and --tls-key go together");
        }
        if (!meshWith.isEmpty() && meshKey == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--mesh-with needs --mesh-key");
        }
        InetSocketAddress bind = hostPort(listen, "--listen");
        InetSocketAddress stunAt = stunListen == null ? null : hostPort(stunListen, "--stun-listen");
        SSLContext tls = tlsCert == null ? null : PemTls.context(tlsCert, tlsKey);
        NodePrivateKey key = keyFile == null ? NodePrivateKey.generate() : loadOrCreateKey(keyFile);
        RelayConfig config = RelayConfig.defaults().withRegion(region)
                .withRate(rate, RelayConfig.defaults().burstBytes())
                .withQueueBudget(queueBudget)
                .withMesh(meshKey == null ? null : readSecret(meshKey), meshWith);
        // STUN (RFC 8489 Binding) in the same process: nodes learn their public address and
        // measure their latency to this region from it.
        try (StunServer stun = stunAt == null ? null : new StunServer(stunAt);
                Relay relay = Relay.start(key, config, bind, tls)) {
            if (stun != null) {
                stun.start();
            }
            running = relay;
            Logger.getLogger("dev.trellis.relay").info("relay " + relay.publicKey() + " serving " + relay.url()
                    + (region.isEmpty() ? "" : " in region " + region)
                    + (stun == null ? "" : ", STUN on UDP " + stun.address()));
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
        }
        return 0;
    }

    static InetSocketAddress hostPort(String text, String option) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException(option + " must be HOST:PORT, got \"" + text + "\"");
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
            throw new IllegalArgumentException(option + " has a bad port in \"" + text + "\"");
        }
        return new InetSocketAddress(host, port);
    }

    static NodePrivateKey loadOrCreateKey(Path file) throws IOException {
        return RelayKeyFile.loadOrCreate(file);
    }

    static byte[] readSecret(Path file) throws IOException {
        RelayKeyFile.requireOwnerOnly(file, "--mesh-key");
        byte[] secret = Files.readString(file, StandardCharsets.UTF_8).strip().getBytes(StandardCharsets.UTF_8);
        if (secret.length < 16) {
            throw new IOException(file + " holds a mesh key shorter than 16 bytes; use e.g. `openssl rand -hex 32`");
        }
        return secret;
    }

    private static void configureLogging() {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT %4$s %3$s: %5$s%6$s%n");
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        ConsoleHandler console = new ConsoleHandler();
        console.setFormatter(new SimpleFormatter());
        console.setLevel(Level.ALL);
        root.addHandler(console);
        root.setLevel("debug".equalsIgnoreCase(System.getenv("LOG_LEVEL")) ? Level.FINE : Level.INFO);
    }
}
