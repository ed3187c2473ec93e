package dev.trellis.lab.oidc;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the Node.js scripts live (lab/oidc), where their logs go, and installing their packages
 * from the committed package-lock.json ({@code npm ci}) when node_modules is missing or holds
 * other versions than package.json pins.
 */
final class NodeScripts {
  private static final Duration NPM_CI_TIMEOUT = Duration.ofMinutes(10);
  private static final Pattern DEPENDENCIES = Pattern.compile("\"dependencies\"\\s*:\\s*\\{([^}]*)}");
  private static final Pattern ENTRY = Pattern.compile("\"([^\"]+)\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern VERSION = Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"");
  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  private static final int MIN_NODE_MAJOR = 20;
  private static boolean installed;
  private static Path node;

  private NodeScripts() {}

  /** lab/oidc of this repository: from {@code trellis.lab.repo} (set by lab/pom.xml), else above the working directory. */
  static Path dir() {
    String configured = System.getProperty("trellis.lab.repo");
    if (configured != null) {
      Path dir = Path.of(configured).toAbsolutePath().normalize().resolve("lab/oidc");
      if (!Files.isRegularFile(dir.resolve("package.json"))) {
        throw new OidcLabException("trellis.lab.repo=" + configured + " has no lab/oidc/package.json");
      }
      return dir;
    }
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("lab/oidc/package.json"))) {
        return d.resolve("lab/oidc");
      }
    }
    throw new OidcLabException("cannot find lab/oidc/package.json above " + Path.of("").toAbsolutePath()
        + " (set -Dtrellis.lab.repo to the repository root)");
  }

  /** A fresh log file under {@code trellis.lab.logDir}/oidc, named {@code prefix-<pid>-<n>.log}. */
  static Path newLog(String prefix) {
    Path dir = Path.of(System.getProperty("trellis.lab.logDir", "target/lab-logs")).toAbsolutePath().resolve("oidc");
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new OidcLabException("cannot create log directory " + dir, e);
    }
    return dir.resolve(prefix + "-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet() + ".log");
  }

  /** Node.js on PATH, checked once to be version 20 or later (what oidc-provider 9 and playwright-core need). */
  static synchronized Path node() {
    if (node != null) {
      return node;
    }
    Path found = onPath("node").orElseThrow(() -> new OidcLabException(
        "node is not on PATH: the OIDC fixtures run Node.js " + MIN_NODE_MAJOR + " or later"
            + " (where none is preinstalled: apt-get install -y nodejs npm)"));
    String version = nodeVersion(found);
    Matcher m = Pattern.compile("^v(\\d+)\\.").matcher(version);
    if (!m.find() || Integer.parseInt(m.group(1)) < MIN_NODE_MAJOR) {
      throw new OidcLabException(found + " is Node.js " + version + "; the OIDC fixtures (oidc-provider 9,"
          + " playwright-core) need " + MIN_NODE_MAJOR + " or later");
    }
    node = found;
    return node;
  }

  private static String nodeVersion(Path node) {
    try {
      Process process = new ProcessBuilder(node.toString(), "--version").redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        killTree(process, Duration.ZERO);
        throw new OidcLabException("`" + node + " --version` did not finish within 20 s");
      }
      return new String(process.getInputStream().readNBytes(200), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new OidcLabException("cannot run " + node + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OidcLabException("interrupted running " + node + " --version", e);
    }
  }

  /** Makes lab/oidc/node_modules match package-lock.json, running {@code npm ci} at most once per JVM. */
  static synchronized void ensureInstalled() {
    if (installed) {
      return;
    }
    Path dir = dir();
    node();
    if (!mismatches(dir).isEmpty()) {
      install(dir);
    }
    installed = true;
  }

  private static void install(Path dir) {
    Path npm = onPath("npm").orElseThrow(() -> new OidcLabException("npm is not on PATH, so " + dir.resolve("node_modules")
        + " cannot be installed (needed: " + mismatches(dir) + "); install npm"
        + " (where no Node.js is preinstalled: apt-get install -y nodejs npm)"));
    // Another JVM (a second build in this worktree) may be installing at the same moment.
    try (FileChannel channel = FileChannel.open(dir.resolve(".install.lock"),
             StandardOpenOption.CREATE, StandardOpenOption.WRITE);
         FileLock ignored = channel.lock()) {
      List<String> needed = mismatches(dir);
      if (needed.isEmpty()) {
        return;
      }
      Path log = newLog("npm-ci");
      List<String> command = List.of(npm.toString(), "ci", "--no-audit", "--no-fund");
      Process process = new ProcessBuilder(command).directory(dir.toFile())
          .redirectErrorStream(true).redirectOutput(log.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .start();
      boolean finished = process.waitFor(NPM_CI_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (!finished) {
        killTree(process, Duration.ZERO);
      }
      if (!finished || process.exitValue() != 0) {
        throw new OidcLabException("`npm ci` in " + dir + (finished ? " exited " + process.exitValue() : " timed out after "
            + NPM_CI_TIMEOUT.toMinutes() + " min") + " (needed: " + needed + "); log " + log + ":\n" + tail(log, 20));
      }
      List<String> still = mismatches(dir);
      if (!still.isEmpty()) {
        throw new OidcLabException("`npm ci` in " + dir + " succeeded but node_modules still lacks " + still
            + ": is package-lock.json in step with package.json?");
      }
    } catch (IOException e) {
      throw new OidcLabException("cannot install the OIDC fixtures' packages in " + dir + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OidcLabException("interrupted while installing packages in " + dir, e);
    }
  }

  /** Pinned dependencies of package.json that node_modules lacks or holds at another version, as name@version. */
  private static List<String> mismatches(Path dir) {
    Map<String, String> pinned = pinnedDependencies(dir);
    return pinned.entrySet().stream()
        .filter(e -> !installedVersion(dir, e.getKey()).equals(Optional.of(e.getValue())))
        .map(e -> e.getKey() + "@" + e.getValue())
        .toList();
  }

  private static Map<String, String> pinnedDependencies(Path dir) {
    String json = read(dir.resolve("package.json"));
    Matcher block = DEPENDENCIES.matcher(json);
    if (!block.find()) {
      throw new OidcLabException(dir.resolve("package.json") + " has no \"dependencies\"");
    }
    Map<String, String> result = new LinkedHashMap<>();
    Matcher entry = ENTRY.matcher(block.group(1));
    while (entry.find()) {
      result.put(entry.group(1), entry.group(2));
    }
    return result;
  }

  private static Optional<String> installedVersion(Path dir, String name) {
    Path manifest = dir.resolve("node_modules").resolve(name).resolve("package.json");
    if (!Files.isRegularFile(manifest)) {
      return Optional.empty();
    }
    Matcher m = VERSION.matcher(read(manifest));
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  static Optional<Path> onPath(String tool) {
    for (String d : System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin").split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
        return Optional.of(Path.of(d, tool));
      }
    }
    return Optional.empty();
  }

  /**
   * The prefix that runs a command in network namespace {@code netns} ({@code ip netns exec}
   * execs in place, so the process started is the command itself, pid and all); empty for null.
   */
  static List<String> inNetns(String netns) {
    if (netns == null) {
      return List.of();
    }
    if (!isNamespaceName(netns)) {
      throw new IllegalArgumentException("not a network namespace name: " + netns);
    }
    return List.of("ip", "netns", "exec", netns);
  }

  /** What {@code ip netns add} accepts as a name, less anything a command line could misread. */
  static boolean isNamespaceName(String name) {
    return name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
  }

  /** SIGTERM, up to {@code grace} to exit, then SIGKILL for it and every descendant it left. */
  static void killTree(Process process, Duration grace) {
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroy();
    try {
      if (grace.isPositive() && !process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
      } else if (!grace.isPositive()) {
        process.destroyForcibly();
      }
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      descendants.forEach(ProcessHandle::destroyForcibly);
    }
  }

  static String tail(Path log, int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "<cannot read " + log + ": " + e.getMessage() + ">";
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new OidcLabException("cannot read " + file, e);
    }
  }
}
