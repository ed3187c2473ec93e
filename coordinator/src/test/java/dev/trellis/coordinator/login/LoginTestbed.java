package dev.trellis.coordinator.login;

import dev.trellis.coordinator.netmap.PeerPolicy;
import dev.trellis.coordinator.store.NewUser;
import dev.trellis.coordinator.store.Store;
import dev.trellis.coordinator.store.Stores;
import dev.trellis.coordinator.store.User;
import dev.trellis.coordinator.tailnet.Tailnet;
import dev.trellis.coordinator.tailnet.TailnetConfig;
import dev.trellis.protocol.control.CapabilityVersion;
import dev.trellis.protocol.control.Hostinfo;
import dev.trellis.protocol.control.RegisterRequest;
import dev.trellis.protocol.control.RegisterResponse;
import dev.trellis.protocol.http.Handler;
import dev.trellis.protocol.http.Http1Client;
import dev.trellis.protocol.http.HttpLimits;
import dev.trellis.protocol.http.HttpResult;
import dev.trellis.protocol.http.HttpServer;
import dev.trellis.protocol.http.Router;
import dev.trellis.protocol.key.MachinePrivateKey;
import dev.trellis.protocol.key.NodePrivateKey;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The coordinator pieces a login needs, in process: a SQLite store in a temp dir, a Tailnet, and
 * an HttpServer on 127.0.0.1 serving {@link LoginPages}, plus a client and helpers that play the
 * node (register, wait on the followup) and the browser (requests with cookies).
 */
final class LoginTestbed implements AutoCloseable {
    /** Cheap Argon2id so tests that fail many logins stay fast. */
    static final PasswordHasher CHEAP = new PasswordHasher(new PasswordHasher.Parameters(64, 1, 1));
    static final Duration LOGIN_TIMEOUT = Duration.ofMinutes(15);
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([A-Za-z0-9_-]+)\"");
    private static final AtomicLong IDS = new AtomicLong();
    /** Flyway logs every migration through java.util.logging; kept to warnings (strong reference). */
    private static final java.util.logging.Logger FLYWAY = java.util.logging.Logger.getLogger("org.flywaydb");

    static {
        FLYWAY.setLevel(java.util.logging.Level.WARNING);
    }

    final TestClock clock = new TestClock();
    final Store store;
    final Tailnet tailnet;
    final HttpServer server;
    final URI serverUrl;
    final LoginPages pages;
    private final Http1Client client;

    /** A node's pending interactive login. */
    record Device(MachinePrivateKey machine, NodePrivateKey node, String hostname, String authUrl) {
        String requestId() {
            return authUrl.substring(authUrl.lastIndexOf('/') + 1);
        }

        /** The auth URL's path, as a browser requests it. */
        String path() {
            return URI.create(authUrl).getRawPath();
        }
    }

    private LoginTestbed(Path dir, Function<URI, LoginConfig> config) throws IOException {
        Router[] router = new Router[1];
        // The server must be listening to know its port, which the Tailnet's server URL needs
        // before the pages exist: it serves through this indirection, set once below.
        Handler late = exchange -> router[0].handle(exchange);
        server = HttpServer.tcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null, late,
                HttpLimits.defaults());
        serverUrl = URI.create("http://127.0.0.1:" + server.tcpAddress().getPort());
        store = Stores.open(null, dir, clock);
        tailnet = new Tailnet(store, new TailnetConfig(serverUrl, "trellis.test", Duration.ofDays(180),
                Duration.ofSeconds(30), LOGIN_TIMEOUT), PeerPolicy.allowAll(), clock, Duration.ofSeconds(30));
        tailnet.start();
        try {
            pages = new LoginPages(tailnet, config.apply(serverUrl), CHEAP, clock);
        } catch (RuntimeException e) {
            server.close();
            tailnet.close();
            store.close();
            throw e;
        }
        router[0] = pages.routes(new Router());
        client = Http1Client.tcp(serverUrl, null, Duration.ofSeconds(5));
    }

    static LoginTestbed local(Path dir) throws IOException {
        return new LoginTestbed(dir, url -> LoginConfig.local());
    }

    static LoginTestbed withConfig(Path dir, Function<URI, LoginConfig> config) throws IOException {
        return new LoginTestbed(dir, config);
    }

    User localUser(String name, String password) {
        return store.createUser(NewUser.local(name, name, CHEAP.hash(password.toCharArray())));
    }

    /** A node asks to join without a key and gets an auth URL. */
    Device pendingDevice(String hostname) throws InterruptedException {
        MachinePrivateKey machine = MachinePrivateKey.generate();
        NodePrivateKey node = NodePrivateKey.generate();
        RegisterResponse r = tailnet.register(machine.publicKey(), new RegisterRequest(IDS.incrementAndGet(),
                CapabilityVersion.CURRENT, node.publicKey(), null, null, new Hostinfo(hostname, "linux", null, null),
                null, false, null));
        if (r.authUrl() == null) {
            throw new AssertionError("no auth URL: " + r);
        }
        return new Device(machine, node, hostname, r.authUrl());
    }

    /** The node's followup, which waits until someone logs in (or the URL fails); on its own thread. */
    CompletableFuture<RegisterResponse> followup(Device d) {
        CompletableFuture<RegisterResponse> result = new CompletableFuture<>();
        Thread.ofVirtual().name("followup " + d.hostname()).start(() -> {
            try {
                result.complete(tailnet.register(d.machine().publicKey(), new RegisterRequest(IDS.incrementAndGet(),
                        CapabilityVersion.CURRENT, d.node().publicKey(), null, null,
                        new Hostinfo(d.hostname(), "linux", null, null), d.authUrl(), false, null)));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result;
    }

    HttpResult get(String pathAndQuery, Map<String, String> headers) throws IOException {
        return client.send("GET", pathAndQuery, headers, null);
    }

    HttpResult get(String pathAndQuery) throws IOException {
        return get(pathAndQuery, Map.of());
    }

    HttpResult post(String path, String contentType, byte[] body, Map<String, String> headers) throws IOException {
        Map<String, String> all = new LinkedHashMap<>(headers);
        if (contentType != null) {
            all.put("Content-Type", contentType);
        }
        return client.send("POST", path, all, body);
    }

    /** A form post as a browser sends it. */
    HttpResult postForm(String path, String form, Map<String, String> headers) throws IOException {
        return post(path, "application/x-www-form-urlencoded", form.getBytes(StandardCharsets.UTF_8), headers);
    }

    /** What a browser holds after loading the form: the CSRF token and the cookie header. */
    record LoadedForm(String csrf, String cookie) {
        Map<String, String> headers() {
            return Map.of("Cookie", cookie);
        }

        String form(String username, String password) {
            return "csrf=" + csrf + "&username=" + enc(username) + "&password=" + enc(password);
        }
    }

    LoadedForm loadForm(Device d) throws IOException {
        HttpResult page = get(d.path());
        if (page.status() != 200) {
            throw new AssertionError("form not shown: " + page.status() + " " + page.bodyText());
        }
        Matcher m = CSRF.matcher(page.bodyText());
        if (!m.find()) {
            throw new AssertionError("no CSRF token in " + page.bodyText());
        }
        return new LoadedForm(m.group(1), cookieHeader(page, Cookies.CSRF));
    }

    /** "name=value" of the cookie {@code name} the response set. */
    static String cookieHeader(HttpResult response, String name) {
        for (String set : response.headers().all("Set-Cookie")) {
            if (set.startsWith(name + "=")) {
                return set.substring(0, set.indexOf(';'));
            }
        }
        throw new AssertionError("no " + name + " cookie set: " + response.headers());
    }

    static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        client.close();
        server.close();
        tailnet.close();
        store.close();
    }
}
