package dev.trellis.lab;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes what a crashed earlier lab run left behind. Lab names carry the owning process's pid
 * ({@code trl-<pid>-…} namespaces and temporary directories, {@code tw<pid>-…} WireGuard
 * interfaces; lab/lib.sh follows the same convention), so only leftovers whose owner is gone are
 * touched; a lab running concurrently in another process is left alone.
 */
public final class StaleLabCleaner {
  static final Pattern NAMESPACE = Pattern.compile("trl-(\\d+)-\\S*");
  static final Pattern UAPI_SOCKET = Pattern.compile("tw(\\d+)-[^/]*\\.sock");
  private static final Path UAPI_DIR = Path.of("/var/run/wireguard");
  private static boolean done;

  private StaleLabCleaner() {}

  public static synchronized void cleanOnce() {
    if (!done) {
      done = true;
      clean();
    }
  }

  static void clean() {
    ExecResult list = Shell.run(Netns.DEFAULT_TIMEOUT, List.of("ip", "netns", "list")).orThrow();
    for (String line : list.stdout().lines().toList()) {
      String name = line.split("\\s+", 2)[0];
      Matcher m = NAMESPACE.matcher(name);
      if (m.matches() && isStale(m.group(1))) {
        System.out.println("lab: removing stale namespace " + name + " (owner pid " + m.group(1) + " is gone)");
        killProcessesIn(name);
        Shell.run(Netns.DELETE_TIMEOUT, List.of("ip", "netns", "delete", name));
      }
    }
    if (Files.isDirectory(Netns.ETC_NETNS)) {
      try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Netns.ETC_NETNS)) {
        for (Path dir : dirs) {
          Matcher m = NAMESPACE.matcher(dir.getFileName().toString());
          if (m.matches() && isStale(m.group(1))) {
            LabHost.deleteTree(dir);
          }
        }
      } catch (IOException e) {
        System.out.println("lab: could not tidy " + Netns.ETC_NETNS + ": " + e.getMessage());
      }
    }
    // Temporary directories named like namespaces (the NAT lab's: keys, state, sockets).
    Path tmpRoot = Path.of(System.getProperty("java.io.tmpdir"));
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tmpRoot, "trl-*")) {
      for (Path dir : dirs) {
        Matcher m = NAMESPACE.matcher(dir.getFileName().toString());
        if (m.matches() && isStale(m.group(1)) && Files.isDirectory(dir)) {
          LabHost.deleteTree(dir);
        }
      }
    } catch (IOException e) {
      System.out.println("lab: could not tidy " + tmpRoot + ": " + e.getMessage());
    }
    if (Files.isDirectory(UAPI_DIR)) {
      try (DirectoryStream<Path> sockets = Files.newDirectoryStream(UAPI_DIR)) {
        for (Path socket : sockets) {
          Matcher m = UAPI_SOCKET.matcher(socket.getFileName().toString());
          if (m.matches() && isStale(m.group(1))) {
            Files.deleteIfExists(socket);
          }
        }
      } catch (IOException e) {
        System.out.println("lab: could not tidy " + UAPI_DIR + ": " + e.getMessage());
      }
    }
  }

  /** Kills (SIGKILL, by pid) every process whose network namespace is {@code name}. */
  static void killProcessesIn(String name) {
    ExecResult pids = Shell.run(Netns.DEFAULT_TIMEOUT, List.of("ip", "netns", "pids", name));
    if (!pids.ok()) {
      return;
    }
    List<ProcessHandle> victims = new ArrayList<>();
    for (String pid : pids.stdout().trim().split("\\s+")) {
      if (!pid.isEmpty()) {
        ProcessHandle.of(Long.parseLong(pid)).ifPresent(victims::add);
      }
    }
    victims.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle victim : victims) {
      try {
        victim.onExit().get(Duration.ofSeconds(5).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        // Reported by the namespace deletion or the next run's cleaner; nothing better to do here.
      }
    }
  }

  private static boolean isStale(String pid) {
    return ProcessHandle.of(Long.parseLong(pid)).isEmpty();
  }
}
