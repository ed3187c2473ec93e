package dev.trellis.lab.login;

import dev.trellis.coordinator.login.LoginConfig;
import dev.trellis.coordinator.login.LoginPages;
import dev.trellis.coordinator.netmap.PeerPolicy;
import dev.trellis.coordinator.store.Store;
import dev.trellis.coordinator.store.Stores;
import dev.trellis.coordinator.tailnet.Tailnet;
import dev.trellis.coordinator.tailnet.TailnetConfig;
import dev.trellis.protocol.control.CapabilityVersion;
import dev.trellis.protocol.control.Hostinfo;
import dev.trellis.protocol.control.RegisterRequest;
import dev.trellis.protocol.control.RegisterResponse;
import dev.trellis.protocol.http.HttpLimits;
import dev.trellis.protocol.http.HttpServer;
import dev.trellis.protocol.http.Router;
import dev.trellis.protocol.key.MachinePrivateKey;
import dev.trellis.protocol.key.NodePrivateKey;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The coordinator's login path in this JVM: a SQLite store, a Tailnet, and the login pages on an
 * HttpServer at 127.0.0.1. The server listens before the pages exist (their Tailnet needs the
 * server URL, which needs the port), so it serves through a reference set once they do.
 */
final class LoginCoordinator implements AutoCloseable {
  private static final AtomicLong IDS = new AtomicLong();

  final Store store;
  final Tailnet tailnet;
  final HttpServer server;
  final URI serverUrl;

  /** A node waiting to be let in: its keys and the auth URL it shows its user. */
  record Device(MachinePrivateKey machine, NodePrivateKey node, String hostname, URI authUrl) {}

  private LoginCoordinator(Path dir, Function<URI, LoginConfig> config) throws IOException {
    AtomicReference<Router> router = new AtomicReference<>();
    server = HttpServer.tcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null,
        exchange -> router.get().handle(exchange), HttpLimits.defaults());
    serverUrl = URI.create("http://127.0.0.1:" + server.tcpAddress().getPort());
    store = Stores.open(null, dir);
    tailnet = new Tailnet(store, new TailnetConfig(serverUrl, "trellis.test", TailnetConfig.DEFAULT_KEY_EXPIRY,
        TailnetConfig.DEFAULT_EPHEMERAL_TIMEOUT, TailnetConfig.DEFAULT_LOGIN_TIMEOUT), PeerPolicy.allowAll(),
        Clock.systemUTC(), Duration.ofSeconds(30));
    tailnet.start();
    try {
      router.set(new LoginPages(tailnet, config.apply(serverUrl)).routes(new Router()));
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Starts it; {@code config} gets the server URL (for the OIDC redirect URI). */
  static LoginCoordinator start(Path dir, Function<URI, LoginConfig> config) throws IOException {
    return new LoginCoordinator(dir, config);
  }

  /** A node asks to join without a key and is given an auth URL. */
  Device pendingDevice(String hostname) throws InterruptedException {
    MachinePrivateKey machine = MachinePrivateKey.generate();
    NodePrivateKey node = NodePrivateKey.generate();
    RegisterResponse r = tailnet.register(machine.publicKey(), request(node, hostname, null));
    if (r.authUrl() == null) {
      throw new AssertionError("expected an auth URL, got " + r);
    }
    return new Device(machine, node, hostname, URI.create(r.authUrl()));
  }

  /** The node's followup on its own thread: completes once someone logged in at the URL (or it failed). */
  CompletableFuture<RegisterResponse> followup(Device d) {
    CompletableFuture<RegisterResponse> result = new CompletableFuture<>();
    Thread.ofVirtual().name("followup " + d.hostname()).start(() -> {
      try {
        result.complete(tailnet.register(d.machine().publicKey(), request(d.node(), d.hostname(),
            d.authUrl().toString())));
      } catch (Throwable t) {
        result.completeExceptionally(t);
      }
    });
    return result;
  }

  private static RegisterRequest request(NodePrivateKey node, String hostname, String followup) {
    return new RegisterRequest(IDS.incrementAndGet(), CapabilityVersion.CURRENT, node.publicKey(), null, null,
        new Hostinfo(hostname, "linux", null, null), followup, false, null);
  }

  @Override
  public void close() {
    server.close();
    tailnet.close(); // a followup still waiting fails once the store is closed
    store.close();
  }
}
