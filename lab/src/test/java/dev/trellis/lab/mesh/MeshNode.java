package dev.trellis.lab.mesh;

import dev.trellis.lab.Await;
import dev.trellis.lab.BackgroundProcess;
import dev.trellis.lab.ExecResult;
import dev.trellis.lab.LabException;
import dev.trellis.lab.Netns;
import dev.trellis.lab.Shell;
import dev.trellis.protocol.http.Http1Client;
import dev.trellis.protocol.http.HttpResult;
import dev.trellis.protocol.localapi.LocalApiJson;
import dev.trellis.protocol.localapi.LocalApiJsonException;
import dev.trellis.protocol.localapi.LocalApiPaths;
import dev.trellis.protocol.localapi.Status;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One node of a {@link Mesh}: a namespace on the hub's bridge running {@code trellisd} (its own
 * state directory, LocalAPI socket and TUN), driven through {@code bin/trellis} exactly as a user
 * would. The CLI runs in the host namespace: the LocalAPI is a Unix socket, reachable from any
 * network namespace. Every CLI call is appended to {@code <host>-cli.log}.
 */
public final class MeshNode {
  /** A JVM starting on a busy 2-core machine can take many seconds; only a failure waits this long. */
  static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  /** Hard limit for one CLI call; {@code trellis up} gets its own --timeout below this. */
  private static final Duration CLI_TIMEOUT = Duration.ofSeconds(90);
  private static final String UP_TIMEOUT = "60s";
  private static final int UDP_PORT = 41641;

  private final Netns ns;
  private final String hostname;
  /** Changes only when a lab renumbers the node ({@link NatLab}); read by other threads' reports. */
  private volatile String linkAddress;
  private final String tun;
  private final Path home;
  private final Path secrets;
  private final Path logDir;
  private final String controlUrl;
  private final List<String> extraDaemonArgs;
  private BackgroundProcess daemon;
  private int starts;

  MeshNode(Netns ns, String hostname, String linkAddress, String tun, Path home, Path secrets, Path logDir,
      String controlUrl) {
    this(ns, hostname, linkAddress, tun, home, secrets, logDir, controlUrl, List.of());
  }

  /** With {@code extraDaemonArgs} appended to every start of trellisd. */
  MeshNode(Netns ns, String hostname, String linkAddress, String tun, Path home, Path secrets, Path logDir,
      String controlUrl, List<String> extraDaemonArgs) {
    this.ns = ns;
    this.hostname = hostname;
    this.linkAddress = linkAddress;
    this.tun = tun;
    this.home = home;
    this.secrets = secrets;
    this.logDir = logDir;
    this.controlUrl = controlUrl;
    this.extraDaemonArgs = List.copyOf(extraDaemonArgs);
  }

  public String hostname() {
    return hostname;
  }

  public Netns netns() {
    return ns;
  }

  /**
   * The node's address on its own lab link (198.18.S.N), where its WireGuard port listens; in a
   * {@link NatLab}, its public or LAN address, which the lab may change.
   */
  public String linkAddress() {
    return linkAddress;
  }

  void linkAddress(String address) {
    this.linkAddress = address;
  }

  public String tun() {
    return tun;
  }

  /** trellisd's state directory (keys, preferences, the last netmap). */
  public Path stateDir() {
    return home.resolve("state");
  }

  public Path socket() {
    return home.resolve("trellisd.sock");
  }

  public BackgroundProcess daemon() {
    return daemon;
  }

  /** Starts trellisd (without waiting for it: see {@link #awaitDaemon()}). */
  public void startDaemon() {
    if (daemon != null && daemon.isAlive()) {
      throw new IllegalStateException("trellisd already runs on " + hostname + ": " + daemon);
    }
    starts++;
    Map<String, String> env = Launchers.environment();
    // Reconnect within 2 s of the coordinator coming back (default backoff cap: 15 s).
    env.put("TRELLIS_CONTROL_MAX_BACKOFF", "2s");
    env.put("LOG_LEVEL", System.getProperty("trellis.lab.daemonLogLevel", "info"));
    List<String> command = new ArrayList<>(List.of(Launchers.daemon(), "--state-dir", stateDir().toString(),
        "--socket", socket().toString(), "--tun", tun, "--port", Integer.toString(UDP_PORT)));
    command.addAll(extraDaemonArgs);
    daemon = ns.spawn("trellisd " + hostname, logDir.resolve("trellisd-" + hostname + "-" + starts + ".log"), env,
        command.toArray(String[]::new));
  }

  /** Waits until trellisd accepts connections on its LocalAPI socket. */
  public void awaitDaemon() {
    Await.until("trellisd on " + hostname + " to serve " + socket(), START_TIMEOUT, () -> {
      if (!daemon.isAlive()) {
        throw new AssertionError("trellisd on " + hostname + " exited with " + daemon.waitFor(Duration.ZERO)
            + " before serving " + socket() + "; " + daemon.log() + ":\n" + daemon.outputTail(30));
      }
      return accepts(socket());
    }, ready -> ready);
  }

  /**
   * SIGTERM, then waits for trellisd to exit (it must, on its own: SIGKILL after the grace period
   * fails the caller), and starts it again on the same state directory. Does not log in again.
   */
  public void restartDaemon(Duration grace) {
    daemon.stop(grace);
    int exit = daemon.waitFor(Duration.ZERO);
    // 143 = 128 + SIGTERM: the JVM ran its shutdown hooks and exited; 137 means it needed SIGKILL.
    if (exit != 143 && exit != 0) {
      throw new AssertionError("trellisd on " + hostname + " did not exit cleanly on SIGTERM within " + grace
          + " (exit " + exit + "); " + daemon.log() + ":\n" + daemon.outputTail(30));
    }
    startDaemon();
    awaitDaemon();
  }

  /** SIGKILL: the daemon vanishes without logging out, as in a crash or power loss. */
  public void killDaemon() {
    daemon.kill();
  }

  /** {@code trellis up} with a pre-auth key (passed as {@code file:}, never on a command line). */
  public void up(String authKey) {
    Path keyFile = secrets.resolve(hostname + ".authkey");
    try {
      Files.deleteIfExists(keyFile);
      Files.writeString(Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rw-------"))), authKey, StandardCharsets.UTF_8);
      trellisOk("up", "--login-server", controlUrl, "--auth-key", "file:" + keyFile, "--hostname", hostname,
          "--timeout", UP_TIMEOUT);
    } catch (IOException e) {
      throw new LabException("cannot write " + keyFile + ": " + e.getMessage(), e);
    } finally {
      try {
        Files.deleteIfExists(keyFile);
      } catch (IOException ignored) {
        // a throwaway key in the mesh's private temp dir, deleted with it
      }
    }
  }

  /** {@code trellis status --json}, decoded with the LocalAPI's own types. */
  public Status status() {
    ExecResult result = trellisOk("status", "--json");
    try {
      return LocalApiJson.decode(result.stdout().getBytes(StandardCharsets.UTF_8), Status.class);
    } catch (LocalApiJsonException e) {
      throw new LabException("`trellis status --json` on " + hostname + " printed something that is not a Status: "
          + e.getMessage() + "\n" + result.stdout(), e);
    }
  }

  /**
   * {@code GET /localapi/v0/status} straight over the socket: the same {@link Status} that
   * {@code trellis status --json} prints, without starting a JVM. For polling (a CLI call costs
   * seconds on a loaded machine, which would blur every measured time); assertions about what
   * users see use {@link #status()}.
   */
  public Status localApiStatus() {
    try (Http1Client http = Http1Client.unix(socket(), Duration.ofSeconds(5))) {
      HttpResult result = http.send("GET", LocalApiPaths.STATUS, Map.of(), null);
      if (!result.isSuccess()) {
        throw new LabException("GET " + LocalApiPaths.STATUS + " on " + hostname + ": HTTP " + result.status() + " "
            + result.bodyText());
      }
      return LocalApiJson.decode(result.body(), Status.class);
    } catch (IOException | LocalApiJsonException e) {
      throw new LabException("GET " + LocalApiPaths.STATUS + " on " + hostname + ": " + e.getMessage(), e);
    }
  }

  /** {@code trellis ip -4}: this node's 100.x address. */
  public String ipv4() {
    return trellisOk("ip", "-4").stdout().strip();
  }

  /** Runs {@code bin/trellis --socket SOCKET ARGS…} as root and returns what happened. */
  public ExecResult trellis(String... args) {
    return trellisAs(Launchers.environment(), List.of(), args);
  }

  /**
   * {@link #trellis} that must exit 0. Fails with a {@link LabException}, which {@link Await}
   * treats as "not yet" (a daemon that is still starting), not as a final answer.
   */
  public ExecResult trellisOk(String... args) {
    ExecResult result = trellis(args);
    if (!result.ok()) {
      throw new LabException("on " + hostname + ": " + result.describe());
    }
    return result;
  }

  /** Runs {@code bin/trellis} behind {@code prefix} (e.g. {@code runuser -u nobody --}) with {@code env}. */
  public ExecResult trellisAs(Map<String, String> env, List<String> prefix, String... args) {
    List<String> command = new ArrayList<>(prefix);
    command.addAll(List.of(Launchers.cli(), "--socket", socket().toString()));
    command.addAll(List.of(args));
    ExecResult result = Shell.run(CLI_TIMEOUT, command, env, null);
    appendCliLog(result);
    return result;
  }

  /**
   * How long until {@code target} first answers an echo request from this node; fails at
   * {@code deadline}. One {@code ping -c 1 -i 0.1 -w SECONDS}: it sends every 100 ms and stops at
   * the first reply, so the time is exact to ~100 ms (a loop of {@code ping -c 1 -W 1} would add a
   * whole second whenever the first request is dropped, e.g. before the peer is configured).
   */
  public Duration ping(String target, Duration deadline) {
    long seconds = Math.max(1, (deadline.toMillis() + 999) / 1000);
    long start = System.nanoTime();
    ExecResult result = ns.exec(deadline.plusSeconds(15), "ping", "-n", "-c", "1", "-i", "0.1", "-w",
        Long.toString(seconds), target);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    if (!result.ok()) {
      throw new AssertionError(hostname + " got no echo reply from " + target + " within " + seconds + " s: "
          + result.describe());
    }
    return took;
  }

  /** {@code wg show} of this node's interface (trellisd serves the UAPI too), for failure reports. */
  String describe() {
    StringBuilder out = new StringBuilder("== " + hostname + " (" + ns.name() + ", " + linkAddress + ", " + tun + ")\n");
    if (daemon != null) {
      out.append("-- ").append(daemon).append(daemon.isAlive() ? "" : " (exited)").append(", last lines:\n")
          .append(daemon.outputTail(15)).append('\n');
    }
    ExecResult wg = ns.exec(Duration.ofSeconds(10), "wg", "show", tun);
    out.append("-- wg show ").append(tun).append(":\n").append(wg.ok() ? wg.stdout() : wg.describe()).append('\n');
    return out.toString();
  }

  private void appendCliLog(ExecResult result) {
    String entry = Instant.now() + " $ " + String.join(" ", result.command()) + "\n"
        + (result.timedOut() ? "(timed out)" : "exit " + result.exitCode()) + "\n" + result.stdout() + result.stderr()
        + "\n";
    try {
      Files.writeString(logDir.resolve(hostname + "-cli.log"), entry, StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      // The result still reaches the caller; a lost log line is not worth failing a test for.
    }
  }

  private static boolean accepts(Path socket) {
    if (!Files.exists(socket)) {
      return false;
    }
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket));
      return true;
    } catch (IOException e) {
      return false; // a leftover file of the previous run, or not listening yet
    }
  }

  @Override
  public String toString() {
    return hostname;
  }
}
