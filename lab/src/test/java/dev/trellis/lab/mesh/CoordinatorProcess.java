package dev.trellis.lab.mesh;

import dev.trellis.lab.Await;
import dev.trellis.lab.BackgroundProcess;
import dev.trellis.lab.ExecResult;
import dev.trellis.lab.LabException;
import dev.trellis.lab.Netns;
import dev.trellis.lab.Shell;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code trellis-coordinator serve} in the hub namespace, on embedded defaults (SQLite in
 * {@code dataDir}, built-in login), and its admin commands. Every start uses the same data
 * directory, address and options, as an operator restarting the service would; each start logs
 * to its own file ({@code coordinator-N.log}).
 */
public final class CoordinatorProcess implements AutoCloseable {
  /** A JVM plus schema migrations on a loaded 2-core machine; only a failure waits this long. */
  static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);

  private final Netns hub;
  private final Path dataDir;
  private final String host;
  private final int port;
  private final Duration ephemeralTimeout;
  private final Path logDir;
  private final List<String> extraServeArgs;
  private BackgroundProcess process;
  private int starts;

  CoordinatorProcess(Netns hub, Path dataDir, String host, int port, Duration ephemeralTimeout, Path logDir) {
    this(hub, dataDir, host, port, ephemeralTimeout, logDir, List.of());
  }

  /** With {@code extraServeArgs} appended to every {@code serve} (e.g. {@code --relay-map FILE}). */
  CoordinatorProcess(Netns hub, Path dataDir, String host, int port, Duration ephemeralTimeout, Path logDir,
      List<String> extraServeArgs) {
    this.hub = hub;
    this.dataDir = dataDir;
    this.host = host;
    this.port = port;
    this.ephemeralTimeout = ephemeralTimeout;
    this.logDir = logDir;
    this.extraServeArgs = List.copyOf(extraServeArgs);
  }

  /** The URL nodes log in at. */
  public String url() {
    return "http://" + host + ":" + port;
  }

  /** Starts the server and waits until it listens. */
  void start() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("the coordinator is already running: " + process);
    }
    starts++;
    List<String> command = new ArrayList<>(List.of(Launchers.coordinator(), "serve", "--data-dir", dataDir.toString(),
        "--listen", host + ":" + port));
    if (ephemeralTimeout != null) {
      command.addAll(List.of("--ephemeral-timeout", ephemeralTimeout.toSeconds() + "s"));
    }
    command.addAll(extraServeArgs);
    process = hub.spawn("trellis-coordinator", logDir.resolve("coordinator-" + starts + ".log"),
        Launchers.environment(), command.toArray(String[]::new));
    Await.until("the coordinator to listen on " + host + ":" + port, START_TIMEOUT, () -> {
      if (!process.isAlive()) {
        throw new AssertionError("the coordinator exited with " + process.waitFor(Duration.ZERO)
            + " before listening; " + process.log() + ":\n" + process.outputTail(30));
      }
      return hub.exec("ss", "-Hltn", "sport = :" + port).stdout();
    }, listening -> !listening.isBlank());
  }

  /** SIGKILL: no shutdown hook runs, no connection is closed politely. */
  void kill() {
    process.kill();
    if (process.isAlive()) {
      throw new LabException("the coordinator survived SIGKILL: " + process);
    }
  }

  boolean isRunning() {
    return process != null && process.isAlive();
  }

  BackgroundProcess process() {
    return process;
  }

  public void createUser(String name) {
    admin("users", "create", name);
  }

  /** A new pre-auth key for {@code user}, giving nodes {@code tags}; a secret, so it never appears in a message. */
  public String preAuthKey(String user, boolean reusable, boolean ephemeral, String... tags) {
    List<String> args = new ArrayList<>(List.of("preauthkeys", "create", "--user", user, "--expiration", "1h"));
    if (tags.length > 0) {
      args.addAll(List.of("--tags", String.join(",", tags)));
    }
    if (reusable) {
      args.add("--reusable");
    }
    if (ephemeral) {
      args.add("--ephemeral");
    }
    String key = admin(args.toArray(String[]::new)).strip();
    if (key.isEmpty() || key.contains("\n")) {
      throw new LabException("`trellis-coordinator " + String.join(" ", args)
          + "` did not print exactly one key (" + key.lines().count() + " lines)");
    }
    return key;
  }

  /** An admin command against the data directory, whatever its outcome. */
  ExecResult adminResult(String... args) {
    List<String> command = new ArrayList<>(List.of(Launchers.coordinator()));
    command.addAll(List.of(args));
    command.addAll(List.of("--data-dir", dataDir.toString()));
    return Shell.run(ADMIN_TIMEOUT, command, Launchers.environment(), null);
  }

  /** An admin command against the data directory (it works whether or not the server runs); its stdout. */
  String admin(String... args) {
    ExecResult result = adminResult(args);
    if (!result.ok()) {
      // stdout may hold a key: leave it out of the message.
      throw new LabException("`trellis-coordinator " + String.join(" ", args) + "` "
          + (result.timedOut() ? "timed out" : "exited " + result.exitCode()) + ": " + result.stderr().strip());
    }
    return result.stdout();
  }

  @Override
  public void close() {
    if (process != null) {
      process.close();
    }
  }

  @Override
  public String toString() {
    return "coordinator " + url() + (process == null ? " (not started)" : " " + process);
  }
}
