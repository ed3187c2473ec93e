package dev.trellis.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * A named network namespace we created ({@code ip netns add}). Commands run inside it with
 * {@code ip netns exec}, which execs in place, so a background process's pid is the tool's own pid.
 * Closing stops every process started here, then deletes the namespace (which destroys its veths
 * and TUN devices).
 */
public final class Netns implements AutoCloseable {
  /**
   * Hard limit for one lab command (ip, wg, ss). Generous on purpose: it only matters when
   * something hangs, and a loaded 2-core machine can take seconds for a plain `ip` call.
   */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  /** Deleting a namespace waits for the kernel to tear down its devices; slow under load. */
  static final Duration DELETE_TIMEOUT = Duration.ofSeconds(60);

  private final String name;
  private final Deque<BackgroundProcess> processes = new ArrayDeque<>();
  private boolean closed;
  private Path etcDir;

  /** Where {@code ip netns exec} finds files it bind-mounts over /etc for this namespace. */
  static final Path ETC_NETNS = Path.of("/etc/netns");

  private Netns(String name) {
    this.name = name;
  }

  /** Creates the namespace with loopback up; the caller owns (and must close) the result. */
  public static Netns create(String name) {
    Shell.run(DEFAULT_TIMEOUT, List.of("ip", "netns", "add", name)).orThrow();
    Netns ns = new Netns(name);
    try {
      ns.execOk("ip", "link", "set", "lo", "up");
      return ns;
    } catch (RuntimeException e) {
      ns.close();
      throw e;
    }
  }

  public String name() {
    return name;
  }

  public ExecResult exec(Duration timeout, Map<String, String> env, String... command) {
    return Shell.run(timeout, inside(command), env, null);
  }

  public ExecResult exec(Duration timeout, String... command) {
    return exec(timeout, Map.of(), command);
  }

  public ExecResult exec(String... command) {
    return exec(DEFAULT_TIMEOUT, command);
  }

  public ExecResult execOk(String... command) {
    return exec(command).orThrow();
  }

  /**
   * Gives the namespace its own /etc/resolv.conf with {@code content}: {@code ip netns exec}
   * bind-mounts /etc/netns/NAME/resolv.conf over /etc/resolv.conf for every command started
   * afterwards, so what a daemon inside writes there is seen by the namespace's commands only,
   * never by the host. Removed when the namespace closes. Returns the file's real path.
   */
  public Path privateResolvConf(String content) {
    try {
      etcDir = ETC_NETNS.resolve(name);
      Files.createDirectories(etcDir);
      Path file = etcDir.resolve("resolv.conf");
      Files.writeString(file, content);
      return file;
    } catch (IOException e) {
      throw new LabException("cannot create " + etcDir + ": " + e.getMessage(), e);
    }
  }

  /** Starts a long-running command inside; it is stopped when this namespace closes. */
  public BackgroundProcess spawn(String label, Path log, Map<String, String> env, String... command) {
    BackgroundProcess process = BackgroundProcess.start(label, inside(command), env, log);
    synchronized (processes) {
      processes.push(process);
    }
    return process;
  }

  private List<String> inside(String... command) {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
    full.addAll(List.of(command));
    return full;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    RuntimeException failure = null;
    synchronized (processes) {
      while (!processes.isEmpty()) {
        BackgroundProcess process = processes.pop();
        try {
          process.close();
        } catch (RuntimeException e) {
          failure = LabException.accumulate(failure, e);
        }
      }
    }
    // Anything still inside was started by us through this namespace (e.g. a daemon that forked).
    StaleLabCleaner.killProcessesIn(name);
    ExecResult deleted = Shell.run(DELETE_TIMEOUT, List.of("ip", "netns", "delete", name));
    if (!deleted.ok()) {
      failure = LabException.accumulate(failure, new LabException(deleted.describe()));
    }
    if (etcDir != null) {
      try {
        LabHost.deleteTree(etcDir);
      } catch (IOException e) {
        failure = LabException.accumulate(failure, new LabException("cannot delete " + etcDir + ": " + e.getMessage(), e));
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
