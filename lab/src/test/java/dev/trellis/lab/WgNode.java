package dev.trellis.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A WireGuard interface inside a namespace, backed by wireguard-go or Trellis ({@link Impl}),
 * started in the foreground ({@code PROG -f IFACE}) and configured exactly as a user would: the
 * stock {@code wg} tool over the UAPI socket, addresses and link state with {@code ip}.
 *
 * <p>Tunnel addresses are 100.64.0.N/24 and fd7a:115c:a1e0::N/64 for tunnel host N. The UAPI
 * socket path /var/run/wireguard/IFACE.sock is not per namespace, so interface names are unique
 * per lab process ({@code tw<pid>-<tag>}).
 */
final class WgNode implements AutoCloseable {
  /** A JVM starting on a busy 2-core machine can take many seconds; only failures wait this long. */
  static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Path UAPI_DIR = Path.of("/var/run/wireguard");

  private final Impl impl;
  private final Netns ns;
  private final String iface;
  private final int tunnelHost;
  private final int listenPort;
  private final WgKeys keys;
  private final Path secrets;
  private final BackgroundProcess process;

  private WgNode(Impl impl, Netns ns, String iface, int tunnelHost, int listenPort, WgKeys keys,
      Path secrets, BackgroundProcess process) {
    this.impl = impl;
    this.ns = ns;
    this.iface = iface;
    this.tunnelHost = tunnelHost;
    this.listenPort = listenPort;
    this.keys = keys;
    this.secrets = secrets;
    this.process = process;
  }

  /**
   * Starts the device, waits for its UAPI socket, sets a fresh private key and listen port,
   * assigns the tunnel addresses and brings the link up. {@code env} adds to the device's
   * environment (e.g. TRELLIS_WG_TEST_REKEY_AFTER_SECONDS).
   */
  static WgNode start(Impl impl, Netns ns, String iface, int tunnelHost, int listenPort,
      Map<String, String> env, Path logDir) {
    if (iface.length() > 15) {
      throw new IllegalArgumentException("interface name longer than IFNAMSIZ-1: " + iface);
    }
    Map<String, String> fullEnv = new HashMap<>();
    fullEnv.put("WG_PROCESS_FOREGROUND", "1");
    fullEnv.put("LOG_LEVEL", System.getProperty("trellis.lab.logLevel", "verbose"));
    if (impl == Impl.TRELLIS) {
      fullEnv.putAll(LabHost.trellisEnvironment());
    }
    fullEnv.putAll(env);
    String program = impl == Impl.TRELLIS ? LabHost.launcher().toString() : "wireguard-go";
    BackgroundProcess process = ns.spawn(impl + " " + iface, logDir.resolve(iface + "-" + impl + ".log"),
        fullEnv, program, "-f", iface);
    WgNode node = new WgNode(impl, ns, iface, tunnelHost, listenPort, WgKeys.generate(),
        logDir.resolve("secrets"), process);
    node.awaitReady();
    node.wg("set", iface, "private-key", node.secretFile(iface + ".key", node.keys.privateKey()).toString(),
        "listen-port", Integer.toString(listenPort));
    ns.execOk("ip", "addr", "add", node.tunnelIpv4() + "/24", "dev", iface);
    ns.execOk("ip", "-6", "addr", "add", node.tunnelIpv6() + "/64", "dev", iface, "nodad");
    ns.execOk("ip", "link", "set", iface, "up");
    return node;
  }

  private void awaitReady() {
    Path socket = UAPI_DIR.resolve(iface + ".sock");
    Await.until(impl + " to serve " + socket, START_TIMEOUT, () -> {
      if (!process.isAlive()) {
        throw new AssertionError(impl + " device " + iface + " exited with " + process.waitFor(Duration.ZERO)
            + " before serving " + socket + "; log " + process.log() + ":\n" + process.outputTail(30));
      }
      return Files.exists(socket) && ns.exec("wg", "show", iface).ok();
    }, ready -> ready);
  }

  Impl impl() {
    return impl;
  }

  Netns netns() {
    return ns;
  }

  String iface() {
    return iface;
  }

  WgKeys keys() {
    return keys;
  }

  int listenPort() {
    return listenPort;
  }

  String tunnelIpv4() {
    return "100.64.0." + tunnelHost;
  }

  String tunnelIpv6() {
    return "fd7a:115c:a1e0::" + tunnelHost;
  }

  BackgroundProcess process() {
    return process;
  }

  /**
   * Adds or replaces {@code peer}, allowing its two tunnel addresses. Without {@code endpoint}
   * this side can only answer: it learns the endpoint from the peer's first handshake.
   */
  void setPeer(WgNode peer, Optional<String> endpoint, Optional<String> presharedKey) {
    List<String> args = new ArrayList<>(List.of("set", iface, "peer", peer.keys.publicKey(),
        "allowed-ips", peer.tunnelIpv4() + "/32," + peer.tunnelIpv6() + "/128"));
    endpoint.ifPresent(e -> args.addAll(List.of("endpoint", e)));
    if (presharedKey.isPresent()) {
      Path file = secretFile(iface + "-" + peer.iface + ".psk", presharedKey.get());
      args.addAll(List.of("preshared-key", file.toString()));
    }
    wg(args.toArray(String[]::new));
  }

  void setEndpoint(WgNode peer, String endpoint) {
    wg("set", iface, "peer", peer.keys.publicKey(), "endpoint", endpoint);
  }

  void removePeer(WgNode peer) {
    wg("set", iface, "peer", peer.keys.publicKey(), "remove");
  }

  WgDump dump() {
    return WgDump.parse(wg("show", iface, "dump").stdout());
  }

  /** This interface's view of {@code peer}; fails if the peer is not configured. */
  WgDump.Peer viewOf(WgNode peer) {
    return dump().peer(peer.keys.publicKey())
        .orElseThrow(() -> new AssertionError(iface + " has no peer " + peer.keys.publicKey()));
  }

  ExecResult wg(String... args) {
    requireAlive();
    List<String> command = new ArrayList<>(List.of("wg"));
    command.addAll(List.of(args));
    ExecResult result = ns.exec(command.toArray(String[]::new));
    if (!result.ok()) {
      throw new LabException(result.describe() + "\n" + impl + " log tail:\n" + process.outputTail(15));
    }
    return result;
  }

  void requireAlive() {
    if (!process.isAlive()) {
      throw new AssertionError(impl + " device " + iface + " died (exit " + process.waitFor(Duration.ZERO)
          + "); log " + process.log() + ":\n" + process.outputTail(30));
    }
  }

  private Path secretFile(String name, String content) {
    try {
      Files.createDirectories(secrets);
      Path file = secrets.resolve(name);
      Files.deleteIfExists(file);
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, content + "\n");
      return file;
    } catch (IOException e) {
      throw new LabException("cannot write " + name, e);
    }
  }

  /** Human-readable state for failure reports. */
  String describe() {
    ExecResult show = ns.exec("wg", "show", iface);
    return "== " + iface + " (" + impl + ", " + ns + ", " + (process.isAlive() ? "running" : "exited") + ")\n"
        + (show.ok() ? show.stdout().strip() : show.describe())
        + "\n-- log tail " + process.log() + "\n" + process.outputTail(20);
  }

  @Override
  public void close() {
    process.close();
  }

  @Override
  public String toString() {
    return iface + "(" + impl + ")";
  }
}
